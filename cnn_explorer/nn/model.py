"""Sequential: a stack of layers with shape inference, Keras's summary, and training maths.

The model plans its layers into blocks once: a ``Conv2D(activation="relu")`` directly followed by
a non-overlapping ``MaxPooling2D`` becomes one fused block (:mod:`.fast.planner`); every other layer runs
on its own. ``activations()`` always uses the plain layers, so every layer's output can be shown.
"""

import numpy as np

from cnn_explorer.core.validation import as_int, is_sequence

from . import functional as F
from . import layer_pass
from .fast.planner import plan_blocks
from .fast.workspace import Workspace
from .layers import MAX_VALUES, BatchNormalization, Layer, layer_from_config
from .summary import keras_summary


def _loss(out, y, from_logits):
    """``(loss, probabilities, d loss / d out)`` of the last layer's output ``out``: logits when
    the model ends in softmax (the stable fused form), else the probabilities themselves."""
    if from_logits:
        return F.sparse_cross_entropy_from_logits(out, y)
    loss, dout = F.sparse_cross_entropy_from_probs(out, y)
    return loss, out, dout


def _array(values, what):
    """``np.asarray(values)`` as a numeric array with a batch axis; ValueError otherwise."""
    try:
        arr = np.asarray(values)
    except ValueError:
        raise ValueError(f"the {what} have different shapes; stack them into one array") from None
    if arr.ndim == 0 or arr.dtype.kind not in "biuf":
        raise ValueError(f"the {what} must be an array of numbers with a batch axis first, got "
                         f"dtype {arr.dtype} and shape {arr.shape}")
    return arr


#: Most memory the values of one batch's forward pass may take (backward needs as much again).
MAX_BATCH_BYTES = 1 << 30


def _batch_size(value):
    size = as_int(value, "batch_size")
    if size < 1:
        raise ValueError(f"batch_size must be at least 1, got {size}")
    return size


class Sequential:
    """A stack of layers, built for ``input_shape`` (height, width, channels) at construction.

    Parameters
    ----------
    layers : list of Layer
        Unnamed layers get Keras's names, numbered within this model (conv2d, conv2d_1, ...).
    input_shape : tuple
        One image's shape, without the batch axis.
    name : str
    seed : int or None
        Seed of the weight initialisation (None: fresh randomness).
    dtype : numpy dtype
        float32 for training; float64 for gradient checks.
    """

    def __init__(self, layers, input_shape=(28, 28, 1), name="sequential", seed=0,
                 dtype=np.float32):
        self.layers = list(layers) if isinstance(layers, (list, tuple)) else None
        if not self.layers or not all(isinstance(layer, Layer) for layer in self.layers):
            raise ValueError("a model needs a list of at least one layer")
        if len({id(layer) for layer in self.layers}) != len(self.layers):
            raise ValueError("a layer object appears twice in the model; create each layer anew")
        if not isinstance(name, str):
            raise ValueError(f"a model name must be text, got {name!r:.40}")
        self.name = name
        if not is_sequence(input_shape):
            raise ValueError(f"input_shape must be (height, width, channels), got {input_shape!r:.40}")
        # as_int: 8.5 pixels is an error, not 8
        self.input_shape = tuple(as_int(s, "each input_shape size") for s in input_shape)
        size = int(np.prod(self.input_shape, dtype=object))
        if not self.input_shape or min(self.input_shape) < 1 or size > MAX_VALUES:
            raise ValueError(f"input_shape must be positive sizes of at most {MAX_VALUES:,} values "
                             f"in all, got {self.input_shape}")
        try:
            self.dtype = np.dtype(dtype)
        except TypeError:
            raise ValueError(f"a model computes in float32 or float64, not {dtype!r:.40}") from None
        if self.dtype not in (np.float32, np.float64):
            raise ValueError(f"a model computes in float32 or float64, not {self.dtype}")
        self._name_layers()
        if seed is not None and (not isinstance(seed, (int, np.integer)) or seed < 0):
            raise ValueError(f"seed must be None or a whole number >= 0, got {seed!r:.40}")
        rng = np.random.default_rng(seed)
        shape, source = self.input_shape, "the input"
        for i, layer in enumerate(self.layers):
            try:
                shape = layer.build(shape, rng, self.dtype, source)
            except ValueError as exc:
                exc.layer_index = i      # which layer to mark, for an editor of the layers
                raise
            source = layer.name
        self.optimizer = None
        self.history = {"loss": [], "accuracy": [], "val_loss": [], "val_accuracy": []}
        self._blocks = self._plan()
        self._workspaces = [Workspace(), Workspace()]

    def _name_layers(self):
        taken = {layer.name for layer in self.layers if not layer.auto_named}
        counts = {}
        for layer in self.layers:
            if not layer.auto_named:
                continue
            base = layer.base_name
            while True:
                k = counts.get(base, 0)
                counts[base] = k + 1
                candidate = base if k == 0 else f"{base}_{k}"
                if candidate not in taken:
                    break
            layer.name = candidate
            taken.add(candidate)
        names = [layer.name for layer in self.layers]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"layer names must be unique: {', '.join(duplicates)} repeat")

    def _plan(self):
        return plan_blocks(self.layers)

    # ---- description -------------------------------------------------------------------------

    @property
    def output_shape(self):
        return self.layers[-1].output_shape

    def count_params(self):
        """Total number of weights."""
        return sum(layer.count_params() for layer in self.layers)

    def summary_rows(self):
        """``[(name, type, output_shape, params), ...]`` one per layer."""
        return [(layer.name, type(layer).__name__, layer.output_shape, layer.count_params())
                for layer in self.layers]

    def summary(self):
        """Keras's ``model.summary()`` table (see :func:`.summary.keras_summary`)."""
        return keras_summary(self)

    def get_config(self):
        """JSON-able architecture: name, input shape, dtype and each layer's record."""
        return {"name": self.name, "input_shape": list(self.input_shape), "dtype": self.dtype.name,
                "layers": [layer.get_config() for layer in self.layers]}

    @classmethod
    def from_config(cls, config, seed=0):
        """A new model (freshly initialised) from :meth:`get_config`; ValueError if malformed."""
        if not isinstance(config, dict) or not isinstance(config.get("layers"), list):
            raise ValueError("a model record needs a list of layers")
        try:
            input_shape = tuple(int(s) for s in config["input_shape"])
            dtype = np.dtype(config.get("dtype", "float32"))
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"bad model record: {exc}") from None
        return cls([layer_from_config(c) for c in config["layers"]], input_shape,
                   name=str(config.get("name", "sequential")), seed=seed, dtype=dtype)

    def clone(self):
        """Same architecture and weights, no optimiser or history (safe to use in another thread)."""
        twin = Sequential.from_config(self.get_config())
        twin.set_weights(self.get_weights())
        return twin

    # ---- weights -----------------------------------------------------------------------------

    def weight_arrays(self):
        """The live weight arrays in Keras order (not copies: the optimiser updates these)."""
        return [w for layer in self.layers for w in layer.weights]

    def trainable_mask(self):
        return [t for layer in self.layers for t in layer.trainable]

    def get_weights(self):
        """Copies of every weight array in Keras order and layout."""
        return [w.copy() for w in self.weight_arrays()]

    def set_weights(self, weights):
        """Copy ``weights`` (Keras order and layout) into the model; ValueError on a mismatch."""
        own = self.weight_arrays()
        if not isinstance(weights, (list, tuple)):
            raise ValueError(f"weights must be a list of arrays, got {type(weights).__name__}")
        weights = list(weights)
        if len(weights) != len(own):
            raise ValueError(f"{self.name} has {len(own)} weight arrays, got {len(weights)}")
        names = [(layer.name, k) for layer in self.layers for k in range(len(layer.weights))]
        for (name, k), mine, new in zip(names, own, weights):
            if np.asarray(new).dtype.kind not in "fiu":
                raise ValueError(f"{name}: weight {k} must hold real numbers, got "
                                 f"{np.asarray(new).dtype}")
            if np.shape(new) != mine.shape:
                raise ValueError(f"{name}: weight {k} must have shape {mine.shape}, "
                                 f"got {np.shape(new)}")
        for mine, new in zip(own, weights):
            np.copyto(mine, new, casting="unsafe")

    # ---- running -----------------------------------------------------------------------------

    def prepare_input(self, x):
        """uint8 (N, H, W[, C]) scaled to [0, 1] or float (N, H, W, C), as the model's dtype."""
        x = _array(x, "images")
        if x.ndim == len(self.input_shape) and x.shape[1:] == self.input_shape[:-1] \
                and self.input_shape[-1] == 1:
            x = x[..., None]
        if x.shape[1:] != self.input_shape:
            raise ValueError(f"{self.name} expects images of shape {self.input_shape} "
                             f"(with a batch axis first), got an array of shape {x.shape}")
        if x.dtype == np.uint8:
            return x.astype(self.dtype) * self.dtype.type(1 / 255)
        if not np.issubdtype(x.dtype, np.floating):
            raise ValueError(f"images must be uint8 or floating point, got {x.dtype}")
        x = x.astype(self.dtype, copy=False)
        if not np.isfinite(x).all():    # else every prediction is NaN, silently
            bad = int(np.argwhere(~np.isfinite(x))[0][0])
            raise ValueError(f"image {bad} holds NaN or infinite values; images must be finite")
        return x

    def check_labels(self, y, n):
        """``y`` as n integer class indices valid for this model's outputs (else ValueError)."""
        self.check_classifier()
        y = _array(y, "labels")
        if y.shape != (n,) or not np.issubdtype(y.dtype, np.integer):
            raise ValueError(f"labels must be {n} integers, got an array of shape {y.shape} "
                             f"and dtype {y.dtype}")
        classes = self.output_shape[-1]
        if n and (y.min() < 0 or y.max() >= classes):
            raise ValueError(f"labels must lie in 0..{classes - 1} for {self.layers[-1].name}'s "
                             f"{classes} outputs; found {y.min()}..{y.max()}")
        return y.astype(np.intp, copy=False)

    def check_classifier(self):
        """ValueError unless the output is ``(batch, classes)`` with 2 or more classes: a model
        ending in Conv2D, pooling or a Softmax over images has no loss to train on."""
        shape = self.output_shape
        if len(shape) != 2 or shape[1] < 2:
            raise ValueError(f"{self.name} ends in {self.layers[-1].name} with output "
                             f"{tuple(shape)}, but a classifier must output (batch, classes) with "
                             "at least 2 classes: end it with Flatten and Dense(classes, "
                             "activation='softmax')")

    def batch_bytes(self, batch_size):
        """Bytes the forward pass of ``batch_size`` images holds (outputs and im2col matrices)."""
        per_image = sum(layer.values_per_image() for layer in self.layers)
        return batch_size * per_image * self.dtype.itemsize

    def largest_batch(self):
        """The most images one pass may hold within :data:`MAX_BATCH_BYTES` (at least 1)."""
        return max(1, MAX_BATCH_BYTES // self.batch_bytes(1))

    @property
    def ends_in_softmax(self):
        return self.layers[-1].activation == "softmax"

    def _forward(self, x, training, noises, ws, keep_cache, stop_before_softmax):
        caches = []
        for b, block in enumerate(self._blocks):
            last = b == len(self._blocks) - 1
            layer = block.layers[0]
            if last and stop_before_softmax:
                x, cache = layer.core_forward(x, training, noises.get(layer.name))
            else:
                x, cache = block.forward(x, training, noises.get(layer.name), ws, keep_cache)
            caches.append(cache)
        return x, caches

    def _backward(self, dout, caches, ws, from_logits):
        grads = []
        for b in range(len(self._blocks) - 1, -1, -1):
            block, need_dx = self._blocks[b], b > 0
            if b == len(self._blocks) - 1 and from_logits:
                dout, g = block.layers[0].core_backward(dout, caches[b], need_dx)
            else:
                dout, g = block.backward(dout, caches[b], need_dx, ws)
            grads[:0] = g
        return grads

    def _sum_loss_and_grads(self, x, y, training, noise_parts, ws):
        """Summed loss, number correct and gradients of the summed loss for one (part) batch.

        ``noise_parts`` are ``(images, generator)`` pairs drawing this part's dropout masks, on
        the thread that runs the part. Overflow is not warned about: a diverging run shows as
        a non-finite loss or gradient, which training reports (and this may run on a worker
        thread with its own error state).
        """
        noises = self._draw_noise(noise_parts) if training else {}
        from_logits = self.ends_in_softmax
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            out, caches = self._forward(x, training, noises, ws, True, from_logits)
            loss, probs, dout = _loss(out, y, from_logits)
            correct = int((probs.argmax(axis=1) == y).sum())
            return loss, correct, self._backward(dout, caches, ws, from_logits)

    def _draw_noise(self, parts):
        noises = {}
        for layer in self.layers:
            drawn = [layer.noise(n, rng) for n, rng in parts if rng is not None]
            if drawn and drawn[0] is not None:
                noises[layer.name] = drawn[0] if len(drawn) == 1 else np.concatenate(drawn)
        return noises

    def can_split_batches(self):
        """True when halves of a batch give the same gradients as the whole (no batch statistics)."""
        return not any(isinstance(layer, BatchNormalization) for layer in self.layers)

    def batch_step(self, x, y, training=True, rng=None, executor=None):
        """Summed loss, number correct and gradients of the *mean* loss for a prepared batch.

        With an ``executor`` (one worker thread) and a splittable model, the second half of the
        batch runs on that thread while this one runs the first half; NumPy and BLAS release the
        GIL, so both cores work. Each half's dropout masks come from its own generator, seeded
        from ``rng`` here, so they are drawn in parallel and do not depend on thread timing (one
        thread draws the same two parts).
        """
        n, h = len(x), len(x) // 2
        parts = [(h, None), (n - h, None)]
        if training and rng is not None and self._has_noise():
            parts = [(k, np.random.default_rng(s)) for k, s in zip((h, n - h),
                                                                   rng.integers(2 ** 63, size=2))]
        if executor is None or n < 2 or not self.can_split_batches():
            loss, correct, grads = self._sum_loss_and_grads(x, y, training, parts,
                                                            self._workspaces[0])
        else:
            second = executor.submit(self._sum_loss_and_grads, x[h:], y[h:], training, parts[1:],
                                     self._workspaces[1])
            loss, correct, grads = self._sum_loss_and_grads(x[:h], y[:h], training, parts[:1],
                                                            self._workspaces[0])
            loss2, correct2, grads2 = second.result()
            loss, correct = loss + loss2, correct + correct2
            grads = [g + g2 for g, g2 in zip(grads, grads2)]
        scale = self.dtype.type(1 / n)
        return loss, correct, [g * scale for g in grads]

    def _has_noise(self):
        return any(type(layer).noise is not Layer.noise for layer in self.layers)

    def loss_and_grads(self, x, y, training=False, rng=None):
        """Mean sparse categorical cross-entropy and its gradients in :meth:`get_weights` order.

        ``training=True`` applies dropout (noise from ``rng``, default seed 0) and batch statistics.
        """
        x = self.prepare_input(x)
        y = self.check_labels(y, len(x))
        if training and rng is None:
            rng = np.random.default_rng(0)
        loss, _, grads = self.batch_step(x, y, training, rng)
        return loss / len(x), grads

    def _infer(self, x):
        out, _ = self._forward(x, False, {}, None, False, False)
        return out

    def predict(self, x, batch_size=256):
        """Model outputs (class probabilities when it ends in softmax), shape (N, classes)."""
        # a smaller batch gives the same outputs: it only holds the memory within bounds
        batch_size = min(_batch_size(batch_size), self.largest_batch())
        x = _array(x, "images")
        outs = [self._infer(self.prepare_input(x[i:i + batch_size]))
                for i in range(0, len(x), batch_size)]
        if not outs:
            return np.zeros((0,) + self.output_shape[1:], self.dtype)
        return np.concatenate(outs)

    def evaluate(self, x, y, batch_size=256, should_stop=None, return_probabilities=False):
        """``(mean loss, accuracy)`` on ``x`` (inference mode); ``(None, None)`` if stopped.

        With ``return_probabilities`` a third item is the class probabilities ``(N, classes)``
        (``None`` if stopped), so a caller that also wants predictions needs no second pass.
        """
        batch_size = min(_batch_size(batch_size), self.largest_batch())
        x = _array(x, "images")
        y = self.check_labels(y, len(x))
        loss = correct = 0.0
        parts = []
        for i in range(0, len(x), batch_size):
            if should_stop is not None and should_stop():
                return (None, None, None) if return_probabilities else (None, None)
            xb, yb = self.prepare_input(x[i:i + batch_size]), y[i:i + batch_size]
            out, _ = self._forward(xb, False, {}, None, False, self.ends_in_softmax)
            part, probs, _ = _loss(out, yb, self.ends_in_softmax)
            loss += part
            correct += int((probs.argmax(axis=1) == yb).sum())
            if return_probabilities:
                parts.append(probs.astype(np.float32))
        n = max(len(x), 1)
        if return_probabilities:
            probs = np.concatenate(parts) if parts else np.zeros((0, self.output_shape[-1]),
                                                                 np.float32)
            return loss / n, correct / n, probs
        return loss / n, correct / n

    def activations(self, x):
        """``[(layer name, output), ...]`` for every layer on a batch, in inference mode."""
        x = self.prepare_input(x)
        result = []
        for layer in self.layers:
            x, _ = layer.forward(x, training=False)
            result.append((layer.name, x))
        return result

    def backpropagate(self, x, output_grad, layer=None, watch=()):
        """Run ``x`` forward and send any gradient of an output back to the input (see
        :func:`.layer_pass.backpropagate`): ``(out, dx, {name: (output, gradient)})``."""
        return layer_pass.backpropagate(self, x, output_grad, layer, watch)

    def __repr__(self):
        return f"Sequential(name={self.name!r}, layers={[layer.name for layer in self.layers]})"
