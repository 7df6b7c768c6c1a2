"""What every layer shares: the :class:`Layer` base (naming, building, weights, the activation
that may end it), the argument checks, the size limits and Keras's default initialiser."""

import numpy as np

from cnn_explorer.core.validation import as_real, is_sequence, is_whole

from . import functional as F

ACTIVATIONS = ("linear", "relu", "sigmoid", "tanh", "softmax")


def _pair(value, what, layer):
    """Normalise an int or a pair of ints to a tuple of two positive ints."""
    pair = tuple(value) if is_sequence(value) else (value, value)
    if len(pair) != 2 or not all(is_whole(v) and v > 0 for v in pair):
        raise ValueError(f"{layer}: {what} must be a positive integer or a pair of them, "
                         f"got {value!r:.40}")
    return int(pair[0]), int(pair[1])


def _positive(value, what, layer):
    if not is_whole(value) or value < 1:
        raise ValueError(f"{layer}: {what} must be a positive integer, got {value!r:.40}")
    return int(value)


def _real(value, what, layer, ok, rule):
    """A finite real number for which ``ok`` holds; ValueError naming the layer and the ``rule``."""
    try:
        number = as_real(value, what)
    except ValueError:
        number = None
    if number is None or not ok(number):
        raise ValueError(f"{layer}: {what} must be {rule}, got {value!r:.40}")
    return number


def _activation(name, layer):
    name = "linear" if name is None else name
    if not isinstance(name, str) or name not in ACTIVATIONS:
        raise ValueError(f"{layer}: unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}")
    return name


def _shape_text(shape):
    return "(" + ", ".join(str(s) for s in shape) + ")"


# Sizes far beyond what a student's model needs, refused with a message before anything is
# allocated (a 1×1 conv of 512 filters flattened into Dense(4096) would ask for 12 GiB);
# Conv 32 -> Conv 64 -> Flatten -> Dense(1024) on 28×28 (37.7M weights) still builds.
MAX_WEIGHTS = 64_000_000       # in one weight array (256 MB as float32)
MAX_VALUES = 4_000_000         # in one image's output of one layer (16 MB as float32)


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
