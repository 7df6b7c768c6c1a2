"""The checks every explanation starts with: one image, a class, a layer and a filter of the model.

Each returns the value in the form the engine wants or raises ``ValueError`` with a message that
says what to change.
"""

import numpy as np

from ..layers import Conv2D, Dense


def one_image(model, x):
    """``x`` as a prepared batch of one (1, H, W, C) in the model's dtype.

    ``x`` is one image (H, W) or (H, W, C), uint8 (0-255) or float (0-1), or a batch of one.
    """
    x = np.asarray(x)
    if x.ndim in (2, 3) and x.shape[:2] == model.input_shape[:2]:
        x = x[None]
    if x.ndim not in (3, 4) or len(x) != 1:
        raise ValueError(f"explain one image at a time: the model takes images of shape "
                         f"{model.input_shape}, got an array of shape {x.shape}")
    x = model.prepare_input(x)
    if not np.isfinite(x).all():
        raise ValueError("the image holds NaN or infinite values; use pixels from 0 to 1")
    return x


def class_of(model, class_index):
    """``class_index`` as an int in 0..classes - 1 of the model's output."""
    classes = model.output_shape[-1]
    if not isinstance(class_index, (int, np.integer)) or isinstance(class_index, bool) \
            or not 0 <= class_index < classes:
        raise ValueError(f"the class must be a whole number from 0 to {classes - 1} (the model "
                         f"has {classes} outputs), got {class_index!r}")
    return int(class_index)


def layer_named(model, name):
    """The layer called ``name``."""
    for layer in model.layers:
        if layer.name == name:
            return layer
    raise ValueError(f"{model.name} has no layer {name!r}; its layers are "
                     f"{', '.join(layer.name for layer in model.layers)}")


def conv_layer(model, name):
    """The Conv2D layer called ``name``."""
    layer = layer_named(model, name)
    if not isinstance(layer, Conv2D):
        raise ValueError(f"{name} is a {type(layer).__name__} layer; Grad-CAM and filter views "
                         f"need a convolution: {', '.join(conv_layers(model)) or 'none here'}")
    return layer


def conv_layers(model):
    """Names of the model's Conv2D layers, first to last."""
    return [layer.name for layer in model.layers if isinstance(layer, Conv2D)]


def unit_layers(model):
    """Names of the layers with filters or units to look at: Conv2D and Dense, first to last."""
    return [layer.name for layer in model.layers if isinstance(layer, (Conv2D, Dense))]


def channel_of(model, name, channel):
    """The layer ``name`` (Conv2D or Dense) and ``channel`` checked against its filters or units."""
    layer = layer_named(model, name)
    if not isinstance(layer, (Conv2D, Dense)):
        raise ValueError(f"{name} is a {type(layer).__name__} layer; pick a convolution or a "
                         f"dense layer: {', '.join(unit_layers(model))}")
    count = layer.output_shape[-1]
    if not isinstance(channel, (int, np.integer)) or isinstance(channel, bool) \
            or not 0 <= channel < count:
        raise ValueError(f"{name} has {count} {'filters' if isinstance(layer, Conv2D) else 'units'}"
                         f": pick one from 0 to {count - 1}, not {channel!r}")
    return layer, int(channel)


def positive_int(value, what, high):
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) \
            or not 1 <= value <= high:
        raise ValueError(f"{what} must be a whole number from 1 to {high}, got {value!r}")
    return int(value)


def number(value, what, low=0.0, high=np.inf, low_open=False):
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be a number, got {value!r}") from None
    if not np.isfinite(value) or value < low or (low_open and value == low) or value > high:
        bound = "above" if low_open else "at least"
        top = "" if high == np.inf else f" and at most {high:g}"
        raise ValueError(f"{what} must be a number {bound} {low:g}{top}, got {value!r}")
    return value
