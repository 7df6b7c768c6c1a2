"""How a Sequential runs its layers: plain layers one by one, Conv2D(relu) + MaxPooling2D fused.

A ``Conv2D(activation="relu")`` directly followed by a non-overlapping ``MaxPooling2D`` becomes
one fused block (:mod:`.fused`); every other layer runs on its own.
"""

from ..layers import Conv2D, MaxPooling2D
from .fused import conv_relu_maxpool_backward, conv_relu_maxpool_forward


class _Single:
    """One layer run on its own."""

    def __init__(self, layer):
        self.layers = (layer,)

    def forward(self, x, training, noise, ws, keep_cache):
        return self.layers[0].forward(x, training, noise)

    def backward(self, dy, cache, need_dx, ws):
        return self.layers[0].backward(dy, cache, need_dx)


class _ConvReluPool:
    """Conv2D(relu) + MaxPooling2D run as one fused block."""

    def __init__(self, conv, pool, index):
        self.layers = (conv, pool)
        self.key = f"b{index}."

    def forward(self, x, training, noise, ws, keep_cache):
        conv, pool = self.layers
        return conv_relu_maxpool_forward(x, conv.weights[0], conv.bias, conv.strides, conv.padding,
                                         pool.pool_size[0], ws, self.key, keep_cache)

    def backward(self, dy, cache, need_dx, ws):
        dx, dk, db = conv_relu_maxpool_backward(dy, cache, need_dx, ws, self.key)
        return dx, [dk, db] if self.layers[0].use_bias else [dk]


def _fusable(layer, following):
    return (isinstance(layer, Conv2D) and layer.activation == "relu"
            and isinstance(following, MaxPooling2D)
            and following.pool_size[0] == following.pool_size[1] == following.strides[0]
            == following.strides[1])


def plan_blocks(layers):
    """The blocks that run ``layers`` (a list of built layers), in order."""
    blocks, i = [], 0
    while i < len(layers):
        if i + 1 < len(layers) and _fusable(layers[i], layers[i + 1]):
            blocks.append(_ConvReluPool(layers[i], layers[i + 1], len(blocks)))
            i += 2
        else:
            blocks.append(_Single(layers[i]))
            i += 1
    return blocks
