"""Training as a generator of snapshots, so a GUI thread can watch, stop and resume it.

``train_steps`` runs one mini-batch per step and yields frozen :class:`Snapshot` records of its
numbers; arrays are copied into a snapshot only by :func:`with_arrays`, for the snapshots a
viewer will draw (never live arrays). Every random choice comes from ``numpy.random.default_rng([seed,
epoch])``, so the same seed gives bit-identical weights and a run resumed at an epoch boundary
equals an uninterrupted one. ``TrainConfig.epochs`` is the total: a model that has finished k
epochs (its history) continues with epoch k + 1.
"""

import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, replace

import numbers

import numpy as np

from cnn_explorer.core.validation import is_whole
from . import optim
from .layers import Conv2D

try:
    from threadpoolctl import threadpool_limits
except ImportError:  # then BLAS keeps its own threads and batches are not split (see below)
    threadpool_limits = None


@dataclass(frozen=True)
class Hyperparameters:
    """The choices of a run a student makes, defined once for :class:`TrainConfig` and the
    Training page's settings (:class:`~.training_settings.TrainingSettings`)."""

    epochs: int = 15
    batch_size: int = 128
    optimizer: str = "adam"
    learning_rate: float = 1e-3
    validation_split: float = 0.1
    augment_shift: int = 0
    seed: int = 0


@dataclass(frozen=True)
class TrainConfig(Hyperparameters):
    """What to train for, how often to snapshot and on how many threads; see the module
    docstring for how ``epochs`` counts."""

    snapshot_every: int = 1
    threads: int = 2

    def validate(self):
        """Raise ValueError naming the first unusable setting."""
        # each check runs only if the ones before it passed: "0.1" > 0 would raise TypeError
        checks = [
            (lambda: is_whole(self.epochs) and self.epochs >= 1, "epochs must be a positive integer"),
            (lambda: is_whole(self.batch_size) and self.batch_size >= 1,
             "batch_size must be a positive integer"),
            (lambda: isinstance(self.optimizer, str) and self.optimizer in optim.OPTIMIZERS,
             f"optimizer must be one of {', '.join(optim.OPTIMIZERS)}"),
            (lambda: _real(self.learning_rate) and np.isfinite(self.learning_rate)
             and self.learning_rate > 0, "learning_rate must be a positive number"),
            (lambda: _real(self.validation_split) and 0 <= self.validation_split < 1,
             "validation_split must be in [0, 1)"),
            (lambda: is_whole(self.seed) and self.seed >= 0, "seed must be a whole number >= 0"),
            (lambda: is_whole(self.snapshot_every) and self.snapshot_every >= 1,
             "snapshot_every must be a positive integer"),
            (lambda: is_whole(self.augment_shift) and 0 <= self.augment_shift <= 8,
             "augment_shift must be an integer from 0 to 8 pixels"),
            (lambda: is_whole(self.threads) and self.threads >= 1, "threads must be 1 or more"),
        ]
        for ok, message in checks:
            if not ok():
                value = message.split()[0]
                raise ValueError(f"{message}, got {getattr(self, value)!r:.40} (TrainConfig)")


def _real(value):
    return isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_))


#: Mean loss per image beyond which a run counts as diverged although the loss is finite: a
#: correct class given a probability of e**-1000 (SGD at learning rate 1e6 reaches 4e10 without
#: ever going infinite); a guess among 10 classes is 2.3.
DIVERGED_LOSS = 1000.0


@dataclass(frozen=True)
class Snapshot:
    """Progress between two mini-batches; every array is a copy owned by the snapshot.

    ``conv_kernels`` and ``weights`` are empty as ``train_steps`` yields it: copying them at every
    batch cost every batch, while a viewer draws a few snapshots a second (:func:`with_arrays`).
    """

    epoch: int
    epochs: int
    batch: int
    batches_per_epoch: int
    step: int
    images_seen: int
    loss: float
    accuracy: float
    val_loss: float | None
    val_accuracy: float | None
    epoch_end: bool
    images_per_second: float
    elapsed: float
    history: dict
    done: bool
    reason: str | None
    # epoch-end snapshots: the validation images' class probabilities (N, classes) float32, from
    # the same pass that gave val_loss (a confusion matrix needs no second pass); else None
    val_probabilities: np.ndarray | None = None
    conv_kernels: tuple = ()     # each Conv2D's kernel (kh, kw, cin, cout)
    weights: tuple = ()          # every weight array, as Sequential.get_weights()


def with_arrays(snapshot, model, weights=False):
    """``snapshot`` with copies of ``model``'s conv kernels and, if ``weights``, of all its weights.

    Call it while ``train_steps`` waits for its next step (between two yields), so the arrays are
    the ones the snapshot's numbers describe.
    """
    kernels = tuple(layer.weights[0].copy() for layer in model.layers if isinstance(layer, Conv2D))
    return replace(snapshot, conv_kernels=kernels,
                   weights=tuple(model.get_weights()) if weights else ())


def split_validation(x, y, validation_split, seed):
    """Seeded split into ``(x_train, y_train, x_val, y_val)``, both parts in their original order.

    ``int(len(x) * validation_split)`` images go to validation, as Keras counts them.
    """
    n = len(x)
    n_val = int(n * validation_split)
    order = np.random.default_rng(seed).permutation(n)
    val, train = np.sort(order[:n_val]), np.sort(order[n_val:])
    return x[train], y[train], x[val], y[val]


def shift_images(x, rng, max_shift):
    """Shift each image of (N, H, W, C) by a random whole number of pixels in [-s, s], zero fill."""
    n, h, w = x.shape[:3]
    shifts = rng.integers(-max_shift, max_shift + 1, size=(n, 2))
    out = np.zeros_like(x)
    for dy, dx in np.unique(shifts, axis=0):
        idx = np.flatnonzero((shifts[:, 0] == dy) & (shifts[:, 1] == dx))
        out[idx, max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = \
            x[idx, max(-dy, 0):h + min(-dy, 0), max(-dx, 0):w + min(-dx, 0)]
    return out


def _optimizer_for(model, config):
    """Keep the model's optimiser (and its state) when it is the configured kind."""
    opt = model.optimizer
    if opt is None or opt.name != config.optimizer:
        opt = optim.get(config.optimizer, config.learning_rate)
    opt.learning_rate = float(config.learning_rate)
    model.optimizer = opt
    return opt


def train_steps(model, data, config=None, should_stop=None):
    """Train ``model`` on ``data = (x, y)`` one mini-batch per step, yielding :class:`Snapshot`.

    Parameters
    ----------
    model : Sequential
        Trained in place; its optimiser state and history carry over between calls.
        ``config.epochs`` is the total (as Keras's ``initial_epoch``): a model with k finished
        epochs continues at epoch k + 1. A stop inside an epoch keeps the updated weights and
        optimiser state but not the partial epoch in the history, so the next call trains that
        epoch again from its first batch.
    data : (x, y)
        uint8 images (N, H, W) or float (N, H, W, C); integer labels (N,).
    config : TrainConfig
    should_stop : callable or None
        Checked before every batch and between validation batches; when it returns True the
        generator yields a last snapshot with ``done=True, reason="stopped"``.

    Yields
    ------
    Snapshot
        Every ``snapshot_every`` batches, at each epoch end (with validation metrics), and a final
        one with ``done=True`` and ``reason`` "finished", "stopped" or "diverged: ...".
    """
    config = TrainConfig() if config is None else config
    if not isinstance(config, TrainConfig):
        raise ValueError(f"config must be a TrainConfig, got {type(config).__name__}")
    config.validate()
    if not isinstance(data, (tuple, list)) or len(data) != 2:
        raise ValueError("data must be a pair (images, labels)")
    model.check_classifier()        # before any work: a Conv2D ending has no loss
    if config.batch_size > model.largest_batch():
        raise ValueError(f"a batch of {config.batch_size} images needs about "
                         f"{model.batch_bytes(config.batch_size) / 1e9:.1f} GB for this model; "
                         f"use a batch size of at most {model.largest_batch()}")
    x, y = (np.asarray(a) if isinstance(a, (list, tuple)) else a for a in data)
    if np.ndim(x) == 0 or np.ndim(y) == 0:
        raise ValueError("data must be a pair of arrays (images, labels) with a batch axis")
    if len(x) != len(y):
        raise ValueError(f"{len(x)} images but {len(y)} labels")
    y = model.check_labels(y, len(y))
    x_tr, y_tr, x_val, y_val = split_validation(x, y, config.validation_split, config.seed)
    if len(x_tr) == 0:
        raise ValueError("no training images left after the validation split")
    model.prepare_input(x_tr[:1])
    optimizer = _optimizer_for(model, config)
    weights, trainable = model.weight_arrays(), model.trainable_mask()
    batches = -(-len(x_tr) // config.batch_size)
    history = model.history
    start, seen = time.perf_counter(), 0
    first_epoch = len(history["loss"])
    # the weights to go back to when a batch diverges: all of them, BatchNormalization's moving
    # statistics included, so what is kept is a model that can be saved and loaded. ``checked``
    # holds the last step's weights, all finite; once they give a usable loss they become
    # ``kept`` (the two buffers swap: one copy and one scan of the weights per batch)
    kept = [w.copy() for w in weights]
    checked = [w.copy() for w in weights]

    def snapshot(epoch, batch, loss, acc, epoch_end, done=False, reason=None, val_probs=None):
        elapsed = time.perf_counter() - start
        return Snapshot(
            epoch=epoch, epochs=config.epochs, batch=max(batch, 0), batches_per_epoch=batches,
            step=epoch * batches + batch + 1, images_seen=seen, loss=loss, accuracy=acc,
            val_loss=history["val_loss"][-1] if epoch_end and history["val_loss"] else None,
            val_accuracy=history["val_accuracy"][-1] if epoch_end and history["val_accuracy"] else None,
            epoch_end=epoch_end, images_per_second=seen / elapsed if elapsed > 0 else 0.0,
            elapsed=elapsed, history={k: list(v) for k, v in history.items()},
            done=done, reason=reason, val_probabilities=val_probs)

    def ended_early(epoch, batch, loss_sum, correct, count, reason):
        """The last snapshot of a run ending after ``batch`` of ``epoch``: with no batch of this
        epoch counted, the running values are the last finished epoch's (0/0 is no loss of 0)."""
        if count:
            return snapshot(epoch, batch, loss_sum / count, correct / count, False, True, reason)
        if history["loss"]:
            return snapshot(epoch - 1, batches - 1, history["loss"][-1], history["accuracy"][-1],
                            False, True, reason)
        return snapshot(epoch, -1, float("nan"), float("nan"), False, True, reason)

    if first_epoch >= config.epochs:
        yield snapshot(first_epoch - 1, batches - 1, history["loss"][-1], history["accuracy"][-1],
                       True, True, "finished")
        return

    with ExitStack() as stack:
        executor = None
        # two half-batches in parallel pay off only with BLAS at one thread each: with a
        # multithreaded BLAS in both, the threads fight and training runs ~4x slower
        if config.threads > 1 and model.can_split_batches() and threadpool_limits is not None:
            executor = stack.enter_context(ThreadPoolExecutor(1, thread_name_prefix="nn-half"))
            stack.enter_context(threadpool_limits(1, user_api="blas"))
        for epoch in range(first_epoch, config.epochs):
            rng = np.random.default_rng([config.seed, epoch])
            order = rng.permutation(len(x_tr))
            loss_sum, correct, count = 0.0, 0, 0
            for b in range(batches):
                if should_stop is not None and should_stop():
                    yield ended_early(epoch, b - 1, loss_sum, correct, count, "stopped")
                    return
                idx = order[b * config.batch_size:(b + 1) * config.batch_size]
                xb = model.prepare_input(x_tr[idx])
                if config.augment_shift:
                    xb = shift_images(xb, rng, config.augment_shift)
                part_loss, part_correct, grads = model.batch_step(xb, y_tr[idx], True, rng, executor)
                finite = np.isfinite(part_loss) and all(np.isfinite(g).all() for g in grads)
                exploded = finite and part_loss > DIVERGED_LOSS * len(idx)
                if finite and not exploded:
                    # the weights checked after the last step gave a usable loss: the ones to
                    # go back to if a later batch diverges
                    kept, checked = checked, kept
                    with np.errstate(over="ignore", invalid="ignore"):
                        optimizer.apply(weights, grads, trainable)
                # the moving statistics this batch updated are checked with the new weights
                if not (finite and not exploded and all(np.isfinite(w).all() for w in weights)):
                    model.set_weights(kept)
                    what = "nan" if np.isnan(part_loss) else "inf" if np.isinf(part_loss) else \
                        f"{part_loss / len(idx):.3g} per image (the learning rate is too high)" \
                        if exploded else "finite but the gradients or weights overflowed"
                    reason = (f"diverged: loss became {what} at epoch {epoch + 1}, batch {b + 1}; "
                              "the weights of the last finite step were kept")
                    yield ended_early(epoch, b, loss_sum, correct, count, reason)
                    return
                for copy, w in zip(checked, weights):
                    np.copyto(copy, w)
                loss_sum += part_loss
                correct += part_correct
                count += len(idx)
                seen += len(idx)
                if b < batches - 1 and (b + 1) % config.snapshot_every == 0:
                    yield snapshot(epoch, b, loss_sum / count, correct / count, False)
            val_loss = val_acc = val_probs = None
            if len(x_val):
                val_loss, val_acc, val_probs = model.evaluate(x_val, y_val, should_stop=should_stop,
                                                              return_probabilities=True)
                if val_loss is None:
                    yield snapshot(epoch, batches - 1, loss_sum / count, correct / count, False,
                                   True, "stopped")
                    return
            for key, value in zip(history, (loss_sum / count, correct / count, val_loss, val_acc)):
                history[key].append(value)
            last = epoch == config.epochs - 1
            yield snapshot(epoch, batches - 1, loss_sum / count, correct / count, True, last,
                           "finished" if last else None, val_probs)
