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
from cnn_explorer.nn import reports, training


class TrainingWorker(QObject):
    """Iterate ``nn.training.train_steps`` and hand the GUI the frames it asks for.

    The GUI decides how often it draws (``request_frame``, from its frame clock); between two
    batches the worker then copies what a frame shows (``training.with_arrays``) and emits it.
    Epoch ends and the final snapshot are always sent, so no point of the curves is lost. Pause,
    resume, step and stop are flags the training loop checks between mini-batches (and between
    validation batches), so a stop takes effect within one batch.

    Signals
    -------
    sigFrame(object)
        A ``Snapshot`` with the conv kernels copied (and every weight when a probe was asked).
    sigEpochEnd(object, object)
        An epoch-end or final ``Snapshot`` and the class probabilities on ``eval_x`` (``(N, classes)``
        float32, or ``None`` without ``eval_x``): taken from the engine's own validation pass when
        ``eval_x`` is its split (``training.split_validation``), else predicted in this thread.
    sigProbe(object)
        What ``probe(model)`` returned, computed in this thread when a frame asked for it and at
        every epoch end (e.g. predictions for the views, so that the GUI thread only draws).
    sigStepped(object, str)
        After ``step()``: the batch's ``Snapshot`` (every weight copied) and what it did, in words.
    sigPaused(object)
        Training is now waiting between batches; the latest ``Snapshot`` with every weight copied
        (or ``None`` before the first batch).
    sigFinished(object)
        The final ``Snapshot`` (``done=True``; ``reason`` says why) or ``None`` after an error.
    sigError(str)
        A message for the user; the exception was caught in the worker thread.
    """

    sigFrame = Signal(object)
    sigEpochEnd = Signal(object, object)
    sigProbe = Signal(object)
    sigStepped = Signal(object, str)
    sigPaused = Signal(object)
    sigFinished = Signal(object)
    sigError = Signal(str)

    def __init__(self, model, data, config, eval_x=None, probe=None, max_batches=None,
                 speed=0.0, paused=False):
        super().__init__()
        # stop after this many mini-batches (None: no limit), counted one per snapshot: with
        # snapshot_every=k each counts k batches
        self._batches_left = max_batches
        self._probe = probe
        self._model = model
        self._data = data
        self._config = config
        self._eval_x = eval_x
        self._stop = threading.Event()
        self._running = threading.Event()  # cleared while paused
        if not paused:
            self._running.set()
        self._wake = threading.Event()     # ends a slow-motion wait early (stop, pause, speed)
        self._frame_wanted = threading.Event()
        self._probe_wanted = False
        self._gap = 0.0
        self.set_speed(speed)
        self._next_batch = 0.0
        self._stepping = False
        self._step_before = None
        self._pause_after_step = False
        self._latest = self._unsent = None     # the last snapshot; the one no frame showed yet
        # the final Snapshot, readable once the thread has ended (its signals may still be queued)
        self.final = None

    # -- controls, safe to call from any thread -------------------------------------------
    def pause(self):
        self._running.clear()
        self._wake.set()

    def resume(self):
        self._running.set()

    def step(self):
        """Train one mini-batch, then pause again (call it while paused)."""
        self._stepping = True
        self._running.set()

    def stop(self):
        self._stop.set()
        self._running.set()  # wake a paused loop so it can see the stop
        self._wake.set()

    def set_speed(self, batches_per_second):
        """At most this many batches a second from now on (0: as fast as the engine goes)."""
        self._gap = 1.0 / batches_per_second if batches_per_second > 0 else 0.0
        self._wake.set()

    def request_frame(self, probe=False):
        """Send the next batch's frame (and ``probe(model)`` too if ``probe``)."""
        self._probe_wanted = self._probe_wanted or probe
        self._frame_wanted.set()

    def set_probe(self, probe):
        """Compute ``probe(model)`` from now on (a plain attribute swap: safe from any thread)."""
        self._probe = probe

    @property
    def paused(self):
        return not self._running.is_set()

    # -- the worker thread ------------------------------------------------------------------
    def _should_stop(self):
        self._wait_for_speed()
        if self._pause_after_step:           # the stepped batch was shown: wait for the next
            self._pause_after_step = False
            self._running.clear()
        if not self._running.is_set():
            latest = self._latest
            # every weight: the views show exactly where it paused, and predict with it
            self.sigPaused.emit(None if latest is None else
                                training.with_arrays(latest, self._model, weights=True))
            self._running.wait()
        if self._stepping:
            self._stepping = False
            self._step_before = self._model.get_weights()
        return self._stop.is_set()

    def _wait_for_speed(self):
        while self._gap and not self._stop.is_set() and self._running.is_set():
            delay = self._next_batch - time.perf_counter()
            if delay <= 0:
                break
            self._wake.wait(delay)
            self._wake.clear()
        self._next_batch = time.perf_counter() + self._gap

    def _send_frame(self, weights=False):
        if self._unsent is not None:
            snapshot, self._unsent = self._unsent, None
            self._frame_wanted.clear()
            self.sigFrame.emit(training.with_arrays(snapshot, self._model, weights))

    def _epoch_end_probabilities(self, snapshot):
        if self._eval_x is None:
            return None
        probs = snapshot.val_probabilities
        # the engine's validation pass already predicted these images when they are its split
        if probs is not None and len(probs) == len(self._eval_x):
            return probs
        return self._model.predict(self._eval_x)

    def _after_batch(self, snapshot):
        ends = snapshot.epoch_end or snapshot.done
        if self._step_before is not None:
            self._unsent = None
            frame = training.with_arrays(snapshot, self._model, weights=True)
            self.sigStepped.emit(frame, reports.step_report(snapshot, self._step_before,
                                                            frame.weights))
            self._step_before = None
            self._pause_after_step = True
        elif ends or self._frame_wanted.is_set():
            self._send_frame(weights=ends or self._probe_wanted)
        if ends:
            # also after a stop inside an epoch: the confusion matrix then shows the final
            # weights without the GUI thread predicting the whole validation set
            self.sigEpochEnd.emit(snapshot, self._epoch_end_probabilities(snapshot))
        probe = self._probe
        if probe is not None and (ends or self._probe_wanted):
            self._probe_wanted = False
            self.sigProbe.emit(probe(self._model))

    def run(self):
        final = None
        try:
            steps = training.train_steps(self._model, self._data, self._config,
                                         should_stop=self._should_stop)
            for snapshot in steps:
                self._latest = self._unsent = snapshot
                if self._batches_left is not None and not snapshot.done:
                    self._batches_left -= 1
                    if self._batches_left <= 0:
                        self.stop()
                self._after_batch(snapshot)
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
