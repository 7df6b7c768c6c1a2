"""Background work for the GUI: training and downloads, each a QObject living in its own QThread.

The workers only talk through signals (queued into the GUI thread) and thread-safe flags; they
never touch a widget. The GUI must not touch the model a TrainingWorker is training: it keeps its
own clone and copies the weights out of the snapshots.
"""

import threading
import time
import traceback

from PySide6.QtCore import QObject, Qt, QThread, Signal

from cnn_explorer.data.catalog import DownloadCancelled
from cnn_explorer.nn import training


class TrainingWorker(QObject):
    """Iterate ``nn.training.train_steps`` and report snapshots, at most every ``interval`` s.

    Snapshots in between are dropped (only the latest is kept), except epoch-end snapshots and the
    final one, which are always delivered so no point of the curves is lost. Pause, resume and stop
    are flags the training loop checks between mini-batches.

    Signals
    -------
    sigSnapshot(object)
        The latest ``Snapshot`` (throttled).
    sigEpochEnd(object, object)
        An epoch-end or final ``Snapshot`` and the class probabilities on ``eval_x`` (``(N, classes)``
        float32, or ``None`` without ``eval_x``): taken from the engine's own validation pass when
        ``eval_x`` is its split (``training.split_validation``), else predicted in this thread.
    sigProbe(object)
        What ``probe(model)`` returned, computed in this thread at most every ``probe_interval``
        seconds and at every epoch end (e.g. predictions for the views, so that the GUI thread
        only draws).
    sigPaused(object)
        Training is now waiting between batches; the latest ``Snapshot`` (or ``None``).
    sigFinished(object)
        The final ``Snapshot`` (``done=True``; ``reason`` says why) or ``None`` after an error.
    sigError(str)
        A message for the user; the exception was caught in the worker thread.
    """

    sigSnapshot = Signal(object)
    sigEpochEnd = Signal(object, object)
    sigProbe = Signal(object)
    sigPaused = Signal(object)
    sigFinished = Signal(object)
    sigError = Signal(str)

    def __init__(self, model, data, config, eval_x=None, interval=0.05, probe=None,
                 probe_interval=1.0, max_batches=None):
        super().__init__()
        # stop after this many mini-batches (None: no limit), counted one per snapshot: with
        # snapshot_every=k each counts k batches
        self._batches_left = max_batches
        self._probe = probe
        self._probe_interval = probe_interval
        self._last_probe = 0.0
        self._model = model
        self._data = data
        self._config = config
        self._eval_x = eval_x
        self._interval = interval
        self._stop = threading.Event()
        self._running = threading.Event()  # cleared while paused
        self._running.set()
        self._latest = None
        self._last_emit = 0.0
        self._emitted_latest = True
        # the final Snapshot, readable once the thread has ended (its signals may still be queued)
        self.final = None

    # -- controls, safe to call from any thread -------------------------------------------
    def pause(self):
        self._running.clear()

    def resume(self):
        self._running.set()

    def stop(self):
        self._stop.set()
        self._running.set()  # wake a paused loop so it can see the stop

    def set_probe(self, probe):
        """Compute ``probe(model)`` from now on (a plain attribute swap: safe from any thread)."""
        self._probe = probe

    @property
    def paused(self):
        return not self._running.is_set()

    # -- the worker thread ------------------------------------------------------------------
    def _should_stop(self):
        if not self._running.is_set():
            self._flush()
            self.sigPaused.emit(self._latest)
            self._running.wait()
        return self._stop.is_set()

    def _flush(self):
        if not self._emitted_latest and self._latest is not None:
            self._emitted_latest = True
            self._last_emit = time.perf_counter()
            self.sigSnapshot.emit(self._latest)

    def _epoch_end_probabilities(self, snapshot):
        if self._eval_x is None:
            return None
        probs = snapshot.val_probabilities
        # the engine's validation pass already predicted these images when they are its split
        if probs is not None and len(probs) == len(self._eval_x):
            return probs
        return self._model.predict(self._eval_x)

    def run(self):
        final = None
        try:
            steps = training.train_steps(self._model, self._data, self._config,
                                         should_stop=self._should_stop)
            for snapshot in steps:
                self._latest = snapshot
                self._emitted_latest = False
                if self._batches_left is not None and not snapshot.done:
                    self._batches_left -= 1
                    if self._batches_left <= 0:
                        self.stop()
                now = time.perf_counter()
                if snapshot.epoch_end or snapshot.done or now - self._last_emit >= self._interval:
                    self._flush()
                if snapshot.epoch_end or snapshot.done:
                    # also after a stop inside an epoch: the confusion matrix then shows the final
                    # weights without the GUI thread predicting the whole validation set
                    self.sigEpochEnd.emit(snapshot, self._epoch_end_probabilities(snapshot))
                probe = self._probe
                if probe is not None and (snapshot.epoch_end or snapshot.done
                                          or now - self._last_probe >= self._probe_interval):
                    self._last_probe = now
                    self.sigProbe.emit(probe(self._model))
                if snapshot.done:
                    final = self.final = snapshot
        except Exception as exc:  # noqa: BLE001 (any failure must reach the user, not kill the app)
            traceback.print_exc()
            self.sigError.emit(f"Training failed: {exc}")
        self.sigFinished.emit(final)


class DownloadWorker(QObject):
    """Run ``data.catalog.download(name)`` with progress and cancel.

    Signals
    -------
    sigProgress(int, int)
        Bytes done and total (total 0 if unknown).
    sigFinished(str)
        The folder the dataset landed in, or "" if cancelled or failed.
    sigError(str)
        A message for the user.
    """

    sigProgress = Signal(int, int)
    sigFinished = Signal(str)
    sigError = Signal(str)

    def __init__(self, name, download):
        super().__init__()
        self._name = name
        self._download = download
        self._cancel = threading.Event()

    def cancel(self):
        self._cancel.set()

    def _progress(self, done, total):
        self.sigProgress.emit(int(done), int(total or 0))

    def run(self):
        path = ""
        try:
            path = str(self._download(self._name, progress=self._progress,
                                      should_cancel=self._cancel.is_set))
        except Exception as exc:  # noqa: BLE001 (cancel and network errors are messages)
            message = "Download cancelled." if isinstance(exc, DownloadCancelled) else str(exc)
            self.sigError.emit(message)
        self.sigFinished.emit(path)


def start_in_thread(worker, parent=None):
    """Move ``worker`` to a new QThread, run ``worker.run`` there, and return the started thread.

    The thread quits when the worker emits ``sigFinished``; the caller waits on it
    (``thread.wait()``) before dropping its references.
    """
    thread = QThread(parent)
    worker.moveToThread(thread)
    thread.started.connect(worker.run)
    # direct: quit must not wait for the GUI thread's event loop (which may be blocked in wait())
    worker.sigFinished.connect(thread.quit, Qt.DirectConnection)
    thread.start()
    return thread
