"""The model's layers walked in channels-first (NCHW) order, the layout ONNX and PyTorch use.

Our layers, like Keras's, hold images as (N, H, W, C): a conv kernel is (kh, kw, cin, cout) and a
Dense layer after Flatten reads the pixels in (h, w, c) order. Channels-first frameworks want the
kernel as (cout, cin, kh, kw) and flatten in (c, h, w) order, so the rows of that first Dense
kernel are permuted to match; every other weight keeps its values.
"""

from dataclasses import dataclass, field

import numpy as np

from ..functional import same_padding

SUPPORTED = ("Conv2D", "MaxPooling2D", "AveragePooling2D", "Flatten", "Dropout", "Dense",
             "Activation", "ReLU", "Softmax", "BatchNormalization")

KERAS_WEIGHT_NAMES = {"Conv2D": ("kernel", "bias"), "Dense": ("kernel", "bias"),
                      "BatchNormalization": ("gamma", "beta", "moving_mean", "moving_variance")}


def named_weights(layer):
    """``{"kernel": array, "bias": array}`` (Keras's names) of a layer's weights."""
    names = KERAS_WEIGHT_NAMES.get(type(layer).__name__, ())
    return dict(zip(names, layer.weights))


@dataclass
class Step:
    """One layer seen channels-first.

    ``kind`` is the layer's class name; ``weights`` maps a name (``kernel``, ``bias``, ``gamma``,
    ``beta``, ``mean``, ``variance``) to a float32 array in channels-first layout (Dense kernels
    as (units, inputs), as PyTorch's Linear and ONNX's Gemm with ``transB`` hold them);
    ``pads`` is (top, left, bottom, right) zero padding for a ``"same"`` convolution;
    ``in_shape`` is the input without the batch axis, channels first ((C, H, W) or (features,)).
    """

    layer: object
    kind: str
    in_shape: tuple
    weights: dict = field(default_factory=dict)
    pads: tuple = (0, 0, 0, 0)


def channels_first(shape):
    """(H, W, C) -> (C, H, W); a 1-D shape stays as it is."""
    return (shape[2], shape[0], shape[1]) if len(shape) == 3 else tuple(shape)


def nchw_steps(model):
    """The layers of ``model`` as :class:`Step` records, weights in channels-first layout.

    ValueError naming the layer if a layer kind has no channels-first counterpart here.
    """
    steps, flattened_from = [], None
    for layer in model.layers:
        kind = type(layer).__name__
        if kind not in SUPPORTED:
            raise ValueError(f"{layer.name}: a {kind} layer cannot be exported yet; the exporters "
                             f"know {', '.join(SUPPORTED)}")
        shape = tuple(layer.input_shape)
        step = Step(layer, kind, channels_first(shape))
        w = [np.asarray(a, np.float32) for a in layer.weights]
        if kind == "Conv2D":
            step.weights["kernel"] = np.ascontiguousarray(w[0].transpose(3, 2, 0, 1))
            if layer.padding == "same":
                (kh, kw), (sh, sw) = layer.kernel_size, layer.strides
                top, bottom = same_padding(shape[0], kh, sh)
                left, right = same_padding(shape[1], kw, sw)
                step.pads = (top, left, bottom, right)
        elif kind == "Dense":
            kernel = w[0]
            if flattened_from is not None:      # rows in (h, w, c) order -> (c, h, w) order
                h, wd, c = flattened_from
                kernel = kernel.reshape(h, wd, c, -1).transpose(2, 0, 1, 3).reshape(h * wd * c, -1)
                flattened_from = None
            step.weights["kernel"] = np.ascontiguousarray(kernel.T)
        elif kind == "BatchNormalization":
            if flattened_from is not None:      # one value per feature: same reordering
                w = [_hwc_to_chw(v, flattened_from) for v in w]
            step.weights.update(zip(("gamma", "beta", "mean", "variance"), w))
        elif kind == "Flatten" and len(shape) == 3:
            flattened_from = shape
        if kind in ("Conv2D", "Dense") and layer.use_bias:
            step.weights["bias"] = w[1]
        steps.append(step)
    if flattened_from is not None:
        raise ValueError(f"{model.name}: its flattened features reach the output without a Dense "
                         "layer, whose weights would carry them to channels-first order")
    return steps


def _hwc_to_chw(values, hwc):
    h, w, c = hwc
    return np.ascontiguousarray(values.reshape(h, w, c).transpose(2, 0, 1).ravel())


def keras_weight_arrays(model):
    """``{"<layer>/<i>": array}``: every weight in our (Keras) order and layout."""
    return {f"{layer.name}/{i}": np.asarray(a) for layer in model.layers
            for i, a in enumerate(layer.weights)}
