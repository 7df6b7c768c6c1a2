"""Keras-style layers with explicit forward and backward passes.

A layer is built once for an input shape (without the batch axis) and then holds its weights in
Keras order and layout. ``forward`` returns ``(y, cache)`` and ``backward`` takes that cache back,
so nothing about a batch is stored on the layer: two threads may run halves of a batch at once.
Every layer may end in an activation (``relu``, ``sigmoid``, ``tanh``, ``softmax``, ``linear``);
``Activation``/``ReLU``/``Softmax`` are layers that are only that.
"""

import numpy as np

from cnn_explorer.core.validation import as_bool

from . import functional as F
from .batch_norm import BatchNormalization
from .layer_base import (ACTIVATIONS, MAX_VALUES, MAX_WEIGHTS, Layer, _pair, _positive, _real,
                         _shape_text, glorot_uniform)

__all__ = ["ACTIVATIONS", "MAX_VALUES", "MAX_WEIGHTS", "MAX_COLUMNS", "Layer", "glorot_uniform",
           "Conv2D", "MaxPooling2D", "AveragePooling2D", "Flatten", "Dropout", "Dense",
           "Activation", "ReLU", "Softmax", "BatchNormalization", "LAYER_CLASSES",
           "layer_from_config"]

#: Values of one image's im2col matrix (a 15×15 "same" kernel on 2000×2000 would need
#: 900,000,000, 3.6 GB); the guide's second conv needs 34,848.
MAX_COLUMNS = 16_000_000      # 64 MB as float32


class Conv2D(Layer):
    """2-D convolution (cross-correlation), kernel (kh, kw, cin, filters), bias (filters,)."""

    base_name = "conv2d"

    def __init__(self, filters, kernel_size, strides=1, padding="valid", activation=None,
                 use_bias=True, name=None):
        super().__init__(name, activation)
        self.filters = _positive(filters, "filters", self.name)
        if not isinstance(padding, str) or padding not in ("valid", "same"):
            raise ValueError(f"{self.name}: padding must be 'valid' or 'same', got {padding!r:.40}")
        self.kernel_size = _pair(kernel_size, "kernel_size", self.name)
        self.strides = _pair(strides, "strides", self.name)
        self.padding = padding
        self.use_bias = as_bool(use_bias, f"{self.name}: use_bias")

    def _build(self, input_shape, rng, dtype, source):
        if len(input_shape) != 3:
            raise ValueError(f"{self.name}: a convolution needs images (height, width, channels), "
                             f"but {source} outputs {_shape_text(input_shape)}")
        h, w, cin = input_shape
        (kh, kw), (sh, sw) = self.kernel_size, self.strides
        oh = F.conv_output_size(h, kh, sh, self.padding)
        ow = F.conv_output_size(w, kw, sw, self.padding)
        if oh < 1 or ow < 1:
            raise ValueError(f"{self.name}: {kh}×{kw} kernel does not fit the {h}×{w} output of "
                             f"{source}")
        columns = oh * ow * kh * kw * cin       # the im2col matrix of one image
        if columns > MAX_COLUMNS:
            raise ValueError(f"{self.name}: a {kh}×{kw} kernel over the {h}×{w}×{cin} output of "
                             f"{source} needs {columns:,} values of working memory per image "
                             f"({columns * dtype.itemsize / 1e9:.1f} GB), more than the "
                             f"{MAX_COLUMNS:,} allowed here; use smaller images, a smaller "
                             "kernel or a stride")
        self._columns = columns
        kernel = glorot_uniform(rng, (kh, kw, cin, self.filters), kh * kw * cin,
                                kh * kw * self.filters, dtype, self.name)
        self.weights = [kernel] + ([np.zeros(self.filters, dtype)] if self.use_bias else [])
        self.trainable = [True] * len(self.weights)
        return oh, ow, self.filters

    def _config(self):
        return {"filters": self.filters, "kernel_size": list(self.kernel_size),
                "strides": list(self.strides), "padding": self.padding,
                "activation": self.activation, "use_bias": self.use_bias}

    @property
    def bias(self):
        return self.weights[1] if self.use_bias else None

    def core_forward(self, x, training, noise):
        y, cols = F.conv2d_forward(x, self.weights[0], self.bias, self.strides, self.padding)
        return y, (x.shape, cols)

    def core_backward(self, dz, cache, need_dx):
        x_shape, cols = cache
        dx, dk, db = F.conv2d_backward(dz, x_shape, cols, self.weights[0], self.strides,
                                       self.padding, need_dx)
        return dx, [dk, db] if self.use_bias else [dk]


class _Pooling2D(Layer):
    def __init__(self, pool_size=2, strides=None, name=None):
        super().__init__(name)
        self.pool_size = _pair(pool_size, "pool_size", self.name)
        self.strides = self.pool_size if strides is None else _pair(strides, "strides", self.name)

    def _build(self, input_shape, rng, dtype, source):
        if len(input_shape) != 3:
            raise ValueError(f"{self.name}: pooling needs images (height, width, channels), "
                             f"but {source} outputs {_shape_text(input_shape)}")
        h, w, c = input_shape
        oh, ow = F.pool_output_hw((None,) + input_shape, self.pool_size, self.strides)
        if oh < 1 or ow < 1:
            ph, pw = self.pool_size
            raise ValueError(f"{self.name}: {ph}×{pw} pool does not fit the {h}×{w} output of "
                             f"{source}")
        return oh, ow, c

    def _config(self):
        return {"pool_size": list(self.pool_size), "strides": list(self.strides)}


class MaxPooling2D(_Pooling2D):
    """Max pooling, floor mode ("valid"); ties send the gradient to the first maximum."""

    base_name = "max_pooling2d"

    def core_forward(self, x, training, noise):
        y, argmax = F.maxpool_forward(x, self.pool_size, self.strides)
        return y, (x.shape, argmax)

    def core_backward(self, dz, cache, need_dx):
        x_shape, argmax = cache
        return F.maxpool_backward(dz, argmax, x_shape, self.pool_size, self.strides), []


class AveragePooling2D(_Pooling2D):
    """Average pooling, floor mode ("valid")."""

    base_name = "average_pooling2d"

    def core_forward(self, x, training, noise):
        return F.avgpool_forward(x, self.pool_size, self.strides), x.shape

    def core_backward(self, dz, cache, need_dx):
        return F.avgpool_backward(dz, cache, self.pool_size, self.strides), []


class Flatten(Layer):
    """(N, H, W, C) -> (N, H*W*C) in row-major (Keras) order."""

    base_name = "flatten"

    def _build(self, input_shape, rng, dtype, source):
        return (int(np.prod(input_shape)),)

    def core_forward(self, x, training, noise):
        return x.reshape(x.shape[0], -1), x.shape

    def core_backward(self, dz, cache, need_dx):
        return dz.reshape(cache), []


class Dropout(Layer):
    """Zero a fraction ``rate`` of values while training and scale the rest by 1 / (1 - rate)."""

    base_name = "dropout"

    def __init__(self, rate, name=None):
        super().__init__(name)
        self.rate = _real(rate, "rate", self.name, lambda v: 0 <= v < 1, "a number in [0, 1)")

    def _config(self):
        return {"rate": self.rate}

    def noise(self, n, rng):
        keep = rng.random((n,) + self.input_shape, dtype=np.float32) >= self.rate
        return keep.astype(np.float32) / np.float32(1 - self.rate)

    def core_forward(self, x, training, noise):
        if not training or noise is None or self.rate == 0:
            return x, None
        scale = noise.astype(x.dtype, copy=False)
        return x * scale, scale

    def core_backward(self, dz, cache, need_dx):
        return (dz if cache is None else dz * cache), []


class Dense(Layer):
    """Fully connected layer on a flat input: kernel (in, units), bias (units,)."""

    base_name = "dense"

    def __init__(self, units, activation=None, use_bias=True, name=None):
        super().__init__(name, activation)
        self.units = _positive(units, "units", self.name)
        self.use_bias = as_bool(use_bias, f"{self.name}: use_bias")

    def _build(self, input_shape, rng, dtype, source):
        if len(input_shape) != 1:
            raise ValueError(f"{self.name}: a dense layer needs a flat vector, but {source} outputs "
                             f"{_shape_text(input_shape)}; add a Flatten layer before it")
        n_in = input_shape[0]
        self.weights = [glorot_uniform(rng, (n_in, self.units), n_in, self.units, dtype, self.name)]
        if self.use_bias:
            self.weights.append(np.zeros(self.units, dtype))
        self.trainable = [True] * len(self.weights)
        return (self.units,)

    def _config(self):
        return {"units": self.units, "activation": self.activation, "use_bias": self.use_bias}

    def core_forward(self, x, training, noise):
        z = x @ self.weights[0]
        if self.use_bias:
            z += self.weights[1]
        return z, x

    def core_backward(self, dz, x, need_dx):
        grads = [x.T @ dz] + ([dz.sum(axis=0)] if self.use_bias else [])
        return (dz @ self.weights[0].T if need_dx else None), grads


class Activation(Layer):
    """An activation on its own: ``Activation("relu")``."""

    base_name = "activation"

    def __init__(self, activation, name=None):
        super().__init__(name, activation)

    def _config(self):
        return {"activation": self.activation}


class _NamedActivation(Activation):
    """An activation layer fixed to one function (``function``), configured by its name alone."""

    function = ""

    def __init__(self, name=None):
        super().__init__(self.function, name)

    def _config(self):
        return {}


class ReLU(_NamedActivation):
    """``max(x, 0)`` as a layer."""

    base_name, function = "re_lu", "relu"


class Softmax(_NamedActivation):
    """Softmax over the last axis as a layer."""

    base_name, function = "softmax", "softmax"


LAYER_CLASSES = {cls.__name__: cls for cls in (Conv2D, MaxPooling2D, AveragePooling2D, Flatten,
                                                Dropout, Dense, Activation, ReLU, Softmax,
                                                BatchNormalization)}


def layer_from_config(config):
    """Rebuild an (unbuilt) layer from :meth:`Layer.get_config`; ValueError for unknown records."""
    if not isinstance(config, dict) or not isinstance(config.get("class_name"), str) \
            or config["class_name"] not in LAYER_CLASSES:
        raise ValueError(f"unknown layer record {config!r:.80}")
    kwargs = {k: v for k, v in config.items() if k not in ("class_name", "name")}
    try:
        layer = LAYER_CLASSES[config["class_name"]](name=config.get("name"), **kwargs)
    except TypeError as exc:        # an unknown or missing keyword
        raise ValueError(f"bad layer record {config!r:.80}: {exc}") from None
    return layer
