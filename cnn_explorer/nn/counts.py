"""Parameter sharing, multiply-adds and receptive fields of a layer stack (shown on the model page).

Everything works on layer specs (dicts: ``{"type": "Conv2D", "kernel_size": 3, ...}``) and the shapes the
engine inferred, so it needs no access to a layer's internals.
"""

from dataclasses import dataclass

SPATIAL = ("Conv2D", "MaxPooling2D", "AveragePooling2D")
ELEMENTWISE = ("Activation", "BatchNormalization", "Dropout")


@dataclass(frozen=True)
class SharingRow:
    """A conv layer's parameters next to a dense layer mapping the same input to the same output."""

    name: str
    params: int
    dense_params: int
    dense_formula: str
    mult_adds: int

    @property
    def ratio(self) -> float:
        return self.dense_params / self.params if self.params else float("inf")


def _window(spec):
    """(kernel, stride) of a conv or pooling spec; a pooling stride of 0 means the pool size."""
    if spec["type"] == "Conv2D":
        return spec["kernel_size"], spec["strides"]
    return spec["pool_size"], spec["strides"] or spec["pool_size"]


def _pad_before(spec, size_in, size_out):
    """Zeros added before the first row/column (Keras "same" puts the odd one after)."""
    if spec.get("padding", "valid") != "same":
        return 0
    kernel, stride = _window(spec)
    return max((size_out - 1) * stride + kernel - size_in, 0) // 2


def sharing_rows(specs, names, shapes, input_shape):
    """One ``SharingRow`` per Conv2D spec.

    ``names[i]`` and ``shapes[i]`` are layer i's name and output shape ``(None, H, W, C)`` (or
    ``(None, units)``); ``input_shape`` is the model's ``(H, W, C)``.
    """
    rows = []
    inputs = [(None, *input_shape)] + list(shapes[:-1])
    for spec, name, shape_in, shape_out in zip(specs, names, inputs, shapes):
        if spec["type"] != "Conv2D":
            continue
        _, h, w, cin = shape_in
        _, oh, ow, cout = shape_out
        k = spec["kernel_size"]
        params = k * k * cin * cout + cout
        pixels = f"{h}·{w}" if cin == 1 else f"{h}·{w}·{cin}"
        rows.append(SharingRow(
            name=name, params=params,
            dense_params=oh * ow * cout * (h * w * cin + 1),
            dense_formula=f"{oh}·{ow}·{cout}·({pixels}+1)",
            mult_adds=oh * ow * cout * k * k * cin))
    return rows


def mult_adds_per_image(specs, shapes, input_shape):
    """Multiply-adds of one forward pass through the Conv2D and Dense layers."""
    total = 0
    inputs = [(None, *input_shape)] + list(shapes[:-1])
    for spec, shape_in, shape_out in zip(specs, inputs, shapes):
        if spec["type"] == "Conv2D":
            k = spec["kernel_size"]
            total += shape_out[1] * shape_out[2] * shape_out[3] * k * k * shape_in[3]
        elif spec["type"] == "Dense":
            total += shape_in[-1] * shape_out[-1]
    return total


def spatial_layers(specs, shapes):
    """Indices of the layers whose output is still an image (H, W, C) reachable from the input."""
    out = []
    for i, (spec, shape) in enumerate(zip(specs, shapes)):
        if len(shape) != 4 or not (spec["type"] in SPATIAL or spec["type"] in ELEMENTWISE):
            break
        out.append(i)
    return out


def receptive_field(specs, shapes, input_shape, layer, row, col):
    """The input pixels that output cell (``row``, ``col``) of layer ``layer`` depends on.

    Returns ``(top, bottom, left, right)``, inclusive, in input pixel coordinates. It may reach
    outside the image (negative or ≥ size) where "same" padding adds zeros.
    """
    if layer not in spatial_layers(specs, shapes):
        raise ValueError(f"layer {layer + 1} has no spatial output: a receptive field needs a "
                         "Conv2D or pooling layer before Flatten")
    _, oh, ow, _ = shapes[layer]
    if not (0 <= row < oh and 0 <= col < ow):
        raise ValueError(f"cell ({row}, {col}) is outside the {oh}×{ow} output of layer {layer + 1}")
    top, bottom, left, right = row, row, col, col
    for i in range(layer, -1, -1):
        spec = specs[i]
        if spec["type"] not in SPATIAL:
            continue
        kernel, stride = _window(spec)
        size_in = shapes[i - 1][1:3] if i > 0 else input_shape[:2]
        pad_r = _pad_before(spec, size_in[0], shapes[i][1])
        pad_c = _pad_before(spec, size_in[1], shapes[i][2])
        top, bottom = top * stride - pad_r, bottom * stride - pad_r + kernel - 1
        left, right = left * stride - pad_c, right * stride - pad_c + kernel - 1
    return top, bottom, left, right
