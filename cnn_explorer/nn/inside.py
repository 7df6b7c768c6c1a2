"""Inside a trained conv layer: one filter's work on one image, laid out for the Channels page.

The maps the page shows for the layer's output come from the engine itself (the layer's own
``core_forward`` on the input the model's ``activations`` give it, then its activation and the
pooling that follows), so they are the engine's numbers exactly. The per-channel partial maps and
the step trace come from :func:`cnn_explorer.core.channels.conv2d_multi_plan` on the same float32
numbers (in float64): their sum plus the bias is the engine's value up to float32 rounding (the
engine adds them in BLAS's order).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cnn_explorer.core import channels
from cnn_explorer.nn import functional as F
from cnn_explorer.nn.layers import Activation, AveragePooling2D, Conv2D, MaxPooling2D


def conv_layers(model) -> list[int]:
    """Indices (in ``model.layers``) of the model's Conv2D layers."""
    return [i for i, layer in enumerate(model.layers) if isinstance(layer, Conv2D)]


@dataclass(frozen=True, eq=False)
class LayerInside:
    """One filter of one conv layer on one image.

    Attributes
    ----------
    layer_index : int
        Position in ``model.layers``; ``layer_name`` its name.
    filter : int
    inputs : ndarray, shape (H, W, C_in)
        The layer's input maps, as the engine feeds them (float32).
    slices : ndarray, shape (kh, kw, C_in)
        The filter's weights; ``bias`` its bias.
    plan : MultiConvPlan
        The filter's trace: ``plan.partial_maps(0)`` are the per-channel partial maps.
    summed : ndarray, shape (H', W')
        The engine's layer output before its activation (partial sums + bias).
    activation : str or None
        ``"relu"`` (or another) when the layer (or an Activation layer right after it) has one;
        None for a linear layer.
    activated : ndarray or None
        The engine's output after that activation.
    pool_name : str or None
        Name of a pooling layer that follows; ``pooled`` its output for this filter.
    """

    layer_index: int
    layer_name: str
    filter: int
    inputs: np.ndarray
    slices: np.ndarray
    bias: float
    plan: channels.MultiConvPlan
    summed: np.ndarray
    activation: str | None
    activated: np.ndarray | None
    pool_name: str | None
    pooled: np.ndarray | None


def _keras_pads(layer: Conv2D, h: int, w: int):
    if layer.padding == "valid":
        return 0
    (kh, kw), (sh, sw) = layer.kernel_size, layer.strides
    return F.same_padding(h, kh, sh) + F.same_padding(w, kw, sw)


def look_inside(model, image, layer_index: int, filter_index: int) -> LayerInside:
    """What filter ``filter_index`` of conv layer ``model.layers[layer_index]`` does to ``image``.

    Parameters
    ----------
    model : Sequential
    image : ndarray, shape (H, W) or (H, W, C)
        One image as the model takes it (uint8 0-255, or float).
    layer_index : int
        Index in ``model.layers`` of a Conv2D layer (see :func:`conv_layers`).
    filter_index : int

    Raises
    ------
    ValueError
        Not a conv layer, a filter it does not have, an image of another shape.
    """
    layers = model.layers
    if not (isinstance(layer_index, (int, np.integer)) and 0 <= layer_index < len(layers)
            and isinstance(layers[layer_index], Conv2D)):
        names = ", ".join(layers[i].name for i in conv_layers(model)) or "none"
        raise ValueError(f"layer {layer_index} is not a convolution layer of this model "
                         f"(its conv layers: {names})")
    layer = layers[layer_index]
    if not (isinstance(filter_index, (int, np.integer)) and 0 <= filter_index < layer.filters):
        raise ValueError(f"{layer.name} has {layer.filters} filters (1 to {layer.filters}); "
                         f"there is no filter {filter_index + 1}")
    batch = np.asarray(image)[None]
    outputs = [out[0] for _, out in model.activations(batch)]
    inputs = model.prepare_input(batch)[0] if layer_index == 0 else outputs[layer_index - 1]
    z, _ = layer.core_forward(inputs[None], False, None)
    summed = z[0, ..., filter_index]
    kernel = layer.weights[0][..., filter_index]
    bias = float(layer.bias[filter_index]) if layer.use_bias else 0.0
    plan = channels.conv2d_multi_plan(
        inputs.astype(np.float64), kernel.astype(np.float64)[..., None], [bias],
        padding=_keras_pads(layer, *inputs.shape[:2]), stride=layer.strides)
    activation, activated, after = layer.activation, None, layer_index
    if activation != "linear":
        activated = outputs[layer_index][..., filter_index]
    elif layer_index + 1 < len(layers) and isinstance(layers[layer_index + 1], Activation):
        after = layer_index + 1
        activation, activated = layers[after].activation, outputs[after][..., filter_index]
    else:
        activation = None
    pool_name = pooled = None
    if after + 1 < len(layers) and isinstance(layers[after + 1], (MaxPooling2D, AveragePooling2D)):
        pool_name, pooled = layers[after + 1].name, outputs[after + 1][..., filter_index]
    return LayerInside(layer_index, layer.name, int(filter_index), inputs, kernel, bias, plan,
                       summed, activation, activated, pool_name, pooled)
