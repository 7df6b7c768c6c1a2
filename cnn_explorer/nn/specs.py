"""The Model page's architecture as one frozen, Qt-free value, and its specs <-> engine layers.

A spec is a flat mapping the layer cards edit, e.g. ``{"type": "Conv2D", "filters": 32,
"kernel_size": 3, "strides": 1, "padding": "valid", "activation": "relu"}`` (square kernels and
strides; a pooling stride of 0 means "the pool size"). An :class:`Architecture` is an input shape
and a tuple of read-only specs that the engine builds: an impossible one is never constructed.
"""

import json
from dataclasses import dataclass, field
from types import MappingProxyType

from cnn_explorer.nn import layers as L
from cnn_explorer.nn.guide_model import guide_convnet
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


@dataclass(frozen=True)
class Architecture:
    """One image's shape and the layer specs: the Model page's state, compared by value.

    Construction builds the model (``model``, seed 0): an architecture the engine refuses raises
    its ``ValueError`` (``exc.layer_index`` marks the layer), so every ``Architecture`` trains.
    """

    input_shape: tuple[int, ...]
    layers: tuple
    model: Sequential = field(init=False, compare=False, repr=False)

    def __post_init__(self):
        layers = tuple(MappingProxyType(dict(spec)) for spec in self.layers)
        model = build(layers, input_shape=self.input_shape)
        object.__setattr__(self, "layers", layers)       # frozen: normalised once, here
        object.__setattr__(self, "input_shape", model.input_shape)
        object.__setattr__(self, "model", model)

    def specs(self) -> list[dict]:
        """The layer specs as plain dicts (for the engine, the counts, a file)."""
        return [dict(spec) for spec in self.layers]

    def key(self) -> str:
        """A string that is the same exactly when two architectures are."""
        return json.dumps({"input_shape": list(self.input_shape), "layers": self.specs()},
                          sort_keys=True)


def guide_architecture() -> Architecture:
    """The guide's convnet for 28×28×1 images (34,826 parameters)."""
    return Architecture(INPUT_SHAPE, specs_of(guide_convnet()))


# Layers that keep an image (height, width, channels): they go before the classifier's Flatten.
SPATIAL_TYPES = ("Conv2D", "MaxPooling2D", "AveragePooling2D")


def insertion_candidates(specs, layer_type, after=None) -> list[int]:
    """Where a new ``layer_type`` layer may go, best first: after the selected layer ``after``,
    then where that type makes sense (an image layer before the first Flatten or Dense, any
    other before the last layer, the classifier), then the end."""
    types = [spec["type"] for spec in specs]
    if layer_type in SPATIAL_TYPES:
        preferred = next((i for i, t in enumerate(types) if t in ("Flatten", "Dense")), len(types))
    else:
        preferred = max(len(types) - 1, 0) if types and types[-1] == "Dense" else len(types)
    order = ([] if after is None else [after + 1]) + [preferred, len(types)]
    return list(dict.fromkeys(order))


def insert_layer(architecture: Architecture, spec, after=None) -> tuple[Architecture, int]:
    """``architecture`` with ``spec`` inserted at the first of :func:`insertion_candidates` that
    builds, and that index.

    Raises
    ------
    ValueError
        The engine's message for the preferred place when no place builds.
    """
    specs = architecture.specs()
    first_error = None
    for index in insertion_candidates(specs, spec["type"], after):
        try:
            return Architecture(architecture.input_shape,
                                specs[:index] + [dict(spec)] + specs[index:]), index
        except ValueError as exc:
            first_error = first_error or exc
    raise first_error
