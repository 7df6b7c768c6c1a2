"""Keras-style layers with explicit forward and backward passes.

A layer is built once for an input shape (without the batch axis) and then holds its weights in
Keras order and layout. ``forward`` returns ``(y, cache)`` and ``backward`` takes that cache back,
so nothing about a batch is stored on the layer: two threads may run halves of a batch at once.
Every layer may end in an activation (``relu``, ``sigmoid``, ``tanh``, ``softmax``, ``linear``);
``Activation``/``ReLU``/``Softmax`` are layers that are only that.
"""

import numbers

import numpy as np

from cnn_explorer.core.validation import as_bool, as_int, is_sequence

from . import functional as F

ACTIVATIONS = ("linear", "relu", "sigmoid", "tanh", "softmax")


def _pair(value, what, layer):
    """Normalise an int or a pair of ints to a tuple of two positive ints."""
    pair = tuple(value) if is_sequence(value) else (value, value)
    if len(pair) != 2 or not all(_whole(v) and v > 0 for v in pair):
        raise ValueError(f"{layer}: {what} must be a positive integer or a pair of them, "
                         f"got {value!r:.40}")
    return int(pair[0]), int(pair[1])


def _whole(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def _positive(value, what, layer):
    if not _whole(value) or value < 1:
        raise ValueError(f"{layer}: {what} must be a positive integer, got {value!r:.40}")
    return int(value)


def _real(value, what, layer, ok, rule):
    """A real number for which ``ok`` holds (NaN never does); ValueError naming the layer."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) or not ok(value):
        raise ValueError(f"{layer}: {what} must be {rule}, got {value!r:.40}")
    return float(value)


def _activation(name, layer):
    name = "linear" if name is None else name
    if not isinstance(name, str) or name not in ACTIVATIONS:
        raise ValueError(f"{layer}: unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}")
    return name


def _shape_text(shape):
    return "(" + ", ".join(str(s) for s in shape) + ")"


# Sizes far beyond what a student's model needs, refused with a message before anything is
# allocated (a 1×1 conv of 512 filters flattened into Dense(4096) asked for 12 GiB as it was
# typed); Conv 32 -> Conv 64 -> Flatten -> Dense(1024) on 28×28 (37.7M weights) still builds.
MAX_WEIGHTS = 64_000_000       # in one weight array (256 MB as float32)
MAX_VALUES = 4_000_000         # in one image's output of one layer (16 MB as float32)
#: Values of one image's im2col matrix (a 15×15 "same" kernel on 2000×2000 needed 900,000,000,
#: 3.6 GB, and froze the Model page for 15 s); the guide's second conv needs 34,848.
MAX_COLUMNS = 16_000_000      # 64 MB as float32


def glorot_uniform(rng, shape, fan_in, fan_out, dtype, name="layer"):
    """Keras's default kernel initialiser: U(-limit, limit), limit = sqrt(6 / (fan_in + fan_out)).

    ValueError, naming ``name``, for more than ``MAX_WEIGHTS`` weights.
    """
    size = int(np.prod(shape, dtype=object))
    if size > MAX_WEIGHTS:
        raise ValueError(f"{name}: a {' × '.join(str(s) for s in shape)} kernel is {size:,} "
                         f"weights, more than the {MAX_WEIGHTS:,} one layer may have here; use "
                         "fewer filters or units, or pool before this layer")
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape).astype(dtype)


class Layer:
    """Base class: naming, building, weights and the activation that may end the layer."""

    base_name = "layer"

    def __init__(self, name=None, activation=None):
        if name is not None and (not isinstance(name, str) or not name.strip()):
            raise ValueError(f"a layer name must be text, got {name!r:.40}")
        self.name = name or self.base_name
        self.auto_named = name is None
        self.activation = _activation(activation, self.name)
        self.input_shape = None
        self.weights = []
        self.trainable = []

    @property
    def output_shape(self):
        """Output shape with a ``None`` batch axis, as Keras prints it (None before building)."""
        return None if self.input_shape is None else (None,) + self._output_shape

    def build(self, input_shape, rng, dtype=np.float32, source="the input"):
        """Check ``input_shape`` (no batch axis), create the weights, return the output shape.

        ``source`` names what feeds this layer, for error messages.
        """
        self.input_shape = tuple(input_shape)
        self._output_shape = tuple(self._build(self.input_shape, rng, np.dtype(dtype), source))
        values = int(np.prod(self._output_shape, dtype=object))
        if values > MAX_VALUES:
            raise ValueError(f"{self.name}: its output {_shape_text(self._output_shape)} is "
                             f"{values:,} values per image, more than the {MAX_VALUES:,} a layer "
                             "may produce here; use smaller images, fewer filters or a stride")
        return self._output_shape

    def _build(self, input_shape, rng, dtype, source):
        return input_shape

    def values_per_image(self):
        """Values one image needs in this layer's forward pass (its output, plus the im2col
        matrix of a convolution): what memory estimates before a batch is allocated count."""
        return int(np.prod(self._output_shape, dtype=object)) + getattr(self, "_columns", 0)

    def count_params(self):
        """Number of weights (trainable or not)."""
        return int(sum(w.size for w in self.weights))

    def get_config(self):
        """A JSON-able record that :func:`layer_from_config` turns back into this layer."""
        config = {"class_name": type(self).__name__, "name": self.name}
        config.update(self._config())
        return config

    def _config(self):
        return {}

    def noise(self, n, rng):
        """Random numbers a training pass needs for ``n`` images (drawn on the calling thread)."""
        return None

    def forward(self, x, training=False, noise=None):
        """Return ``(y, cache)`` for a batch ``x`` of shape (N, *input_shape)."""
        z, core_cache = self.core_forward(x, training, noise)
        y = F.activation_forward(self.activation, z)
        return y, (core_cache, y)

    def backward(self, dy, cache, need_dx=True):
        """Return ``(dx, grads)``: ``dx`` of the input (or None) and one gradient per weight."""
        core_cache, y = cache
        return self.core_backward(F.activation_backward(self.activation, dy, y), core_cache, need_dx)

    def core_forward(self, x, training, noise):
        """The layer without its activation; ``(z, cache)``."""
        return x, None

    def core_backward(self, dz, cache, need_dx):
        return dz, []

    def __repr__(self):
        return f"{type(self).__name__}(name={self.name!r})"


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


class BatchNormalization(Layer):
    """Normalise each channel (last axis) with batch statistics while training, moving ones after.

    Weights in Keras order: gamma, beta (trainable), moving_mean, moving_variance (not trainable).
    """

    base_name = "batch_normalization"

    def __init__(self, momentum=0.99, epsilon=1e-3, name=None):
        super().__init__(name)
        self.momentum = _real(momentum, "momentum", self.name, lambda v: 0 <= v <= 1,
                              "a number in [0, 1]")
        # epsilon <= 0 divides by a zero variance; NaN or inf made every prediction NaN
        self.epsilon = _real(epsilon, "epsilon", self.name, lambda v: 0 < v <= 1,
                             "a small positive number (at most 1; Keras uses 0.001)")

    def _build(self, input_shape, rng, dtype, source):
        c = input_shape[-1]
        self.weights = [np.ones(c, dtype), np.zeros(c, dtype), np.zeros(c, dtype), np.ones(c, dtype)]
        self.trainable = [True, True, False, False]
        return input_shape

    def _config(self):
        return {"momentum": self.momentum, "epsilon": self.epsilon}

    def core_forward(self, x, training, noise):
        gamma, beta, moving_mean, moving_var = self.weights
        axes = tuple(range(x.ndim - 1))
        if training:
            mean, var = x.mean(axis=axes), x.var(axis=axes)
            moving_mean *= self.momentum
            moving_mean += (1 - self.momentum) * mean
            moving_var *= self.momentum
            moving_var += (1 - self.momentum) * var
        else:
            mean, var = moving_mean, moving_var
        inv_std = 1.0 / np.sqrt(var + self.epsilon)
        xhat = (x - mean) * inv_std
        return gamma * xhat + beta, (xhat, inv_std, training)

    def core_backward(self, dz, cache, need_dx):
        xhat, inv_std, training = cache
        gamma = self.weights[0]
        axes = tuple(range(dz.ndim - 1))
        dgamma, dbeta = (dz * xhat).sum(axis=axes), dz.sum(axis=axes)
        zeros = np.zeros_like(dgamma)
        grads = [dgamma, dbeta, zeros, zeros.copy()]
        if not need_dx:
            return None, grads
        if not training:
            return dz * gamma * inv_std, grads
        m = dz.size // dz.shape[-1]
        dx = (gamma * inv_std / m) * (m * dz - dbeta - xhat * dgamma)
        return dx, grads


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
