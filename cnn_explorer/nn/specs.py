"""Qt-free conversion between the model page's layer specs and the engine's layers.

A spec is a flat dict the layer cards edit, e.g. ``{"type": "Conv2D", "filters": 32,
"kernel_size": 3, "strides": 1, "padding": "valid", "activation": "relu"}`` (square kernels and
strides; a pooling stride of 0 means "the pool size").
"""

from cnn_explorer.nn import layers as L
from cnn_explorer.nn.model import Sequential

INPUT_SHAPE = (28, 28, 1)


def layer_of(spec):
    """A new, unbuilt engine layer for ``spec`` (ValueError for a bad hyper-parameter)."""
    kind = spec["type"]
    if kind == "Conv2D":
        return L.Conv2D(spec["filters"], spec["kernel_size"], strides=spec["strides"],
                        padding=spec["padding"], activation=spec["activation"])
    if kind in ("MaxPooling2D", "AveragePooling2D"):
        return getattr(L, kind)(spec["pool_size"], strides=spec["strides"] or None)
    if kind == "Flatten":
        return L.Flatten()
    if kind == "Dropout":
        return L.Dropout(spec["rate"])
    if kind == "Dense":
        return L.Dense(spec["units"], activation=spec["activation"])
    if kind == "Activation":
        return L.Activation(spec["activation"])
    if kind == "BatchNormalization":
        return L.BatchNormalization()
    raise ValueError(f"unknown layer type {kind!r}")


def spec_of(config):
    """The spec of an engine layer record (``layer.get_config()``)."""
    kind = config["class_name"]
    if kind == "Conv2D":
        return {"type": kind, "filters": config["filters"], "kernel_size": config["kernel_size"][0],
                "strides": config["strides"][0], "padding": config["padding"],
                "activation": config["activation"]}
    if kind in ("MaxPooling2D", "AveragePooling2D"):
        pool, stride = config["pool_size"][0], config["strides"][0]
        return {"type": kind, "pool_size": pool, "strides": 0 if stride == pool else stride}
    if kind == "Dropout":
        return {"type": kind, "rate": config["rate"]}
    if kind == "Dense":
        return {"type": kind, "units": config["units"], "activation": config["activation"]}
    if kind in ("ReLU", "Softmax"):
        return {"type": "Activation", "activation": kind.lower()}
    if kind == "Activation":
        return {"type": kind, "activation": config["activation"]}
    return {"type": kind}


def specs_of(model):
    """The specs of every layer of ``model``."""
    return [spec_of(layer.get_config()) for layer in model.layers]


def build(specs, seed=0, input_shape=INPUT_SHAPE):
    """A ``Sequential`` of ``specs``.

    Raises
    ------
    ValueError
        With the engine's message; ``exc.layer_index`` is the index of the spec to mark (None
        when no single layer is at fault, e.g. two layers with one name).
    """
    layers = []
    for i, spec in enumerate(specs):
        try:
            layers.append(layer_of(spec))
        except ValueError as exc:
            exc.layer_index = i
            raise
    return Sequential(layers, input_shape=input_shape, seed=seed)   # sets layer_index itself
