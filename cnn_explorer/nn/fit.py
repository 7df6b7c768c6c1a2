"""Whether a model can train on a dataset, and if not, what to change (the training page says it)."""


def image_shape_of(images_shape):
    """One image's ``(H, W, C)`` from a batch's shape: ``(N, H, W)`` grey is ``(H, W, 1)``.

    Raises
    ------
    ValueError
        When the shape is not ``(N, H, W)`` or ``(N, H, W, C)``.
    """
    shape = tuple(int(n) for n in images_shape)
    if len(shape) == 3:
        return shape[1:] + (1,)
    if len(shape) == 4:
        return shape[1:]
    raise ValueError(f"images must be an array (N, H, W) or (N, H, W, C), got shape {shape}")


def _kind(channels):
    if channels == 1:
        return "grey images"
    if channels == 3:
        return "colour images (3 channels: R, G, B)"
    return f"images with {channels} channels"


def fit_problem(input_shape, outputs, image_shape, num_classes, title, input_remedy=None):
    """What keeps a model from training on a dataset, as advice, or ``""`` when it fits.

    Parameters
    ----------
    input_shape : (H, W, C)
        The model's input.
    outputs : int or tuple of int
        Units of the model's last layer, or its whole output shape ``(None, classes)``; a
        shape that is not ``(batch, classes)`` (a model ending in Conv2D or pooling) cannot train.
    image_shape : (H, W) or (H, W, C)
        The dataset's images: ``(H, W)`` is grey (one channel), ``(H, W, 3)`` colour.
    num_classes : int
        The dataset's classes.
    title : str
        The dataset's name, for the message.
    input_remedy : str, optional
        What to do about an input that does not fit, when it is not "set the input to … on the
        Model page, then press New model." (e.g. the Model page has that input already).

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
    height, width, *rest = tuple(image_shape)
    channels = rest[0] if rest else 1
    model_h, model_w, model_c = tuple(input_shape)
    set_input = input_remedy or (f"set the input to {height}×{width}×{channels} on the Model "
                                 "page, then press New model.")
    if model_c != channels:
        return (f"The model takes {_kind(model_c)} but {title} has {_kind(channels)}: "
                + set_input)
    if (height, width) != (model_h, model_w):
        return (f"The model takes {model_h}×{model_w} images but {title} has {height}×{width} "
                "images: " + set_input)
    if outputs != num_classes:
        return (f"The model has {outputs} outputs but {title} has {num_classes} classes: set the "
                f"last Dense layer's units to {num_classes} on the Model page, then press New "
                "model.")
    return ""
