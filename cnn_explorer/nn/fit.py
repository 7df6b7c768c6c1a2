"""Whether a model can train on a dataset, and if not, what to change (the training page says it)."""


def fit_problem(input_shape, outputs, image_shape, num_classes, title):
    """What keeps a model from training on a dataset, as advice, or ``""`` when it fits.

    Parameters
    ----------
    input_shape : (H, W, C)
        The model's input.
    outputs : int or tuple of int
        Units of the model's last layer, or its whole output shape ``(None, classes)``; a
        shape that is not ``(batch, classes)`` (a model ending in Conv2D or pooling) cannot train.
    image_shape : (H, W)
        The dataset's images (grey: one channel).
    num_classes : int
        The dataset's classes.
    title : str
        The dataset's name, for the message.

    Returns
    -------
    str
        The first mismatch (channels, then image size, then classes) and how to fix it on the
        Model page; ``""`` when the model fits the data.
    """
    if not isinstance(outputs, int):
        shape = tuple(outputs)
        if len(shape) != 2:
            return (f"The model's output is {shape[1:]} per image, not one score per class: end "
                    "it with Flatten and Dense(classes, activation='softmax') on the Model page, "
                    "then press New model.")
        outputs = shape[1]
    (height, width), (model_h, model_w, channels) = tuple(image_shape), tuple(input_shape)
    set_input = (f"set the input to {height}×{width}×1 on the Model page, then press New model.")
    if channels != 1:
        return (f"The model takes images with {channels} channels but {title} has grey images: "
                + set_input)
    if (height, width) != (model_h, model_w):
        return (f"The model takes {model_h}×{model_w} images but {title} has {height}×{width} "
                "images: " + set_input)
    if outputs != num_classes:
        return (f"The model has {outputs} outputs but {title} has {num_classes} classes: set the "
                f"last Dense layer's units to {num_classes} on the Model page, then press New "
                "model.")
    return ""
