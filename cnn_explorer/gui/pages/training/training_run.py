"""The training page's run: Start, Step, Pause, Stop, the worker thread and what it sends."""

import gc

from PySide6.QtCore import QEventLoop, QTimer

from cnn_explorer.gui.workers import TrainingWorker, start_in_thread
from cnn_explorer.nn.reports import (epochs_to_train, format_progress, format_speed,
                                     not_learning_message)
from cnn_explorer.nn.training_settings import config_of


class TrainingRun:
    """Mixed into the training page, which provides ``state``, ``edit()``, ``undo_stack``,
    ``slot``, ``model``, ``dataset``, ``controls``, ``views``, ``feed``, ``view_model``, ``hint``,
    ``worker``, ``thread``, ``latest``, ``last_error``, ``_step_report``, ``_confusion_of``,
    ``_sync_architecture()``, ``_check_fit()``, ``_update_validation()``, ``_show_start_plan()``
    and ``publish_model()``."""

    @property
    def running(self):
        return self.worker_thread is not None

    @property
    def undo_held(self):
        """Edit ▸ Undo would swap the model under a run, like New model and Load (disabled then);
        the main window and the page keep this page's undo stack inactive meanwhile."""
        return self.running

    def config(self):
        return config_of(self.state)

    def start(self):
        """Do what the Start button says: train (or continue) the model in a worker thread."""
        self._start()

    def step(self):
        """Train one mini-batch and pause (starting a paused run if none is under way)."""
        if not self.running:
            self._start(paused=True)
        if self.running and self.worker.paused:
            self._step_report = ""
            self.controls.status.setText("One batch…")
            self.worker.step()

    def _start(self, max_batches=None, on_finished=None, paused=False):
        """``start()``, stopping after ``max_batches`` mini-batches; ``on_finished`` is connected
        to the worker's ``sigFinished`` before its thread starts (so it cannot miss it)."""
        if self.running or self.dataset is None:
            return
        self.hint.dismiss()
        self.controls.show_message("")
        self._sync_architecture()   # its note stays up: Start trains this model, kept
        if not self._check_fit():
            return
        total = epochs_to_train(self.slot.epochs_done, self.state.epochs)
        if total != self.state.epochs:   # a finished run: Start offered more epochs
            self.edit(f"Epochs: {total}", epochs=total)
        self.last_error = ""
        self._update_validation()
        self.feed.model = self.model.clone()
        self._batch_size = self.state.batch_size
        self.worker = TrainingWorker(self.model, (self.dataset.x_train, self.dataset.y_train),
                                     self.config(), eval_x=self.feed.val[0],
                                     probe=self.feed.make_probe(), max_batches=max_batches,
                                     speed=self.state.speed, paused=paused)
        self.worker.sigFrame.connect(self._on_frame)
        self.worker.sigStepped.connect(self._on_stepped)
        self.worker.sigProbe.connect(self._on_probe)
        self.worker.sigEpochEnd.connect(self._on_epoch_end)
        self.worker.sigPaused.connect(self._on_paused)
        self.worker.sigError.connect(self._on_error)
        self.worker.sigFinished.connect(self._on_finished)
        if on_finished is not None:
            self.worker.sigFinished.connect(on_finished)
        # the app's objects stay out of the garbage collector's full passes during the run: a
        # pass over all of them would stall the GUI thread for many frames
        gc.freeze()
        self.worker_thread = start_in_thread(self.worker, self)
        self.undo_stack.setActive(False)   # no undo mid-run: it would swap the model being trained
        self.controls.set_running(True, paused=paused)
        self.controls.model_label.setText(self.slot.header(running=True))
        self.controls.status.setText("Training…")
        self.views.frame_clock.start()

    def pause(self):
        if self.running:
            self.worker.pause()
            self.controls.set_running(True, paused=True)

    def resume(self):
        if self.running:
            self.worker.resume()
            self.controls.set_running(True, paused=False)
            self.controls.status.setText("Training…")

    def _on_pause_toggled(self, checked):
        (self.pause if checked else self.resume)()

    def stop(self):
        """Ask the worker to stop after the current batch (returns at once)."""
        if self.running:
            self.worker.stop()

    def stop_training(self, timeout_ms=10000):
        """Stop the worker and wait for its thread to end; the model keeps its weights."""
        if not self.running:
            return True
        self.worker.stop()
        finished = self.worker_thread.wait(timeout_ms)
        if finished:
            # the worker's last signals may still be queued: its final snapshot says why it ended
            self._finish(self.worker.final or self.latest)
        return finished

    def _from_current_worker(self):
        return self.worker is not None and self.sender() is self.worker

    def _on_frame_wanted(self, probe):
        if self.running:
            self.worker.request_frame(probe)

    def _on_frame(self, snapshot):
        if self._from_current_worker() and snapshot is not None:
            self._draw(snapshot, clocked=True)

    def _draw(self, snapshot, clocked=False):
        self.latest = snapshot
        if snapshot.images_seen == 0:
            # a stop (or divergence) before the run's first batch: nothing was trained, and its
            # NaN point and "batch 1" progress would say otherwise
            return
        self.dirty = True
        self.controls.show_progress(snapshot.step, snapshot.epochs * snapshot.batches_per_epoch,
                                    format_progress(snapshot))
        slow = self.views.show_frame(snapshot, clocked)
        status = self.controls.status
        # a new status text re-lays the window out: the speed twice a second, the first at once
        if not self.worker.paused and (slow or "images/s" not in status.text()):
            status.setText(format_speed(snapshot, self._batch_size))
        if snapshot.weights:
            self.view_model.set_weights(list(snapshot.weights))
        self.publish_model()

    def _on_stepped(self, snapshot, report):
        if self._from_current_worker():
            self._step_report = report
            self._draw(snapshot)
            self.controls.status.setText(report)

    def _on_probe(self, result):
        # it comes right after a frame (and at an epoch's end after the curves' validation
        # points and the confusion matrix): drawn at the next tick, not in the frame's turn
        if self._from_current_worker():
            self.views.probe_came()
            self.views.later("predictions", lambda: self.feed.show_probe(result))

    def _on_selection_changed(self):
        if self.running:
            self.worker.set_probe(self.feed.make_probe())

    def _on_epoch_end(self, snapshot, probabilities):
        if self._from_current_worker() and probabilities is not None:
            when = (f"after epoch {snapshot.epoch + 1}" if snapshot.epoch_end
                    else "with the current weights")
            self.views.later("confusion", lambda: self.feed.show_confusion(probabilities, when))
            self._confusion_of = snapshot

    def _on_paused(self, snapshot):
        # not after a quick Resume: the worker's "paused" may arrive once it runs again
        if self._from_current_worker() and self.worker.paused:
            if snapshot is not None:
                self._draw(snapshot)
            self.controls.status.setText(
                f"{self._step_report} Paused: Step one batch for the next one, Resume to run."
                if self._step_report else "Paused between two batches.")

    def _on_error(self, message):
        if self._from_current_worker():
            self.last_error = message
            self.controls.show_message(message + " The last good weights are kept.")

    def _on_finished(self, snapshot):
        if self._from_current_worker():
            self.worker_thread.wait()
            self._finish(snapshot)

    def _finish(self, snapshot):
        if snapshot is not None:
            self.latest = snapshot
        self.views.frame_clock.stop()
        self.views.flush_later()
        self.views.curves.flush()
        self.worker_thread.deleteLater()
        self.worker.deleteLater()
        self.worker_thread = self.worker = None
        gc.unfreeze()
        self._step_report = ""
        if self.isVisible():   # the current page: its undo stack is the Edit menu's again
            self.undo_stack.setActive(True)
        self.controls.set_running(False)
        self.view_model.set_weights(self.model.get_weights())
        self.publish_model()
        self.controls.model_label.setText(self.slot.header())
        reason = getattr(self.latest, "reason", None) or "stopped"
        if reason.startswith("diverged"):
            self.controls.show_message(f"Training {reason}. Try a smaller learning rate.")
        elif not self.last_error and self.dataset is not None:
            warning = not_learning_message(self.model.history, self.dataset.num_classes,
                                           self.state.learning_rate)
            if warning:
                self.controls.show_message(warning)
        self._show_start_plan()
        ended = {"finished": "Finished.", "stopped": "Stopped."}.get(reason,
                                                                     "Stopped with an error.")
        self.controls.status.setText(f"{ended} {self.controls.status.text()}")
        self.feed.refresh_all()
        x_val = self.feed.val[0]
        # the worker sent the final snapshot's matrix, unless the stop came before it was queued
        current = (self.latest is not None and self._confusion_of is not None
                   and (self._confusion_of.step, self._confusion_of.done)
                   == (self.latest.step, self.latest.done))
        if x_val is not None and self.feed.enabled and not (self.last_error or current):
            self.feed.show_confusion(self.view_model.predict(x_val), "with the current weights")

    def train_batches(self, batches, timeout_ms=120000):
        """Train ``batches`` mini-batches and wait (a local event loop) until they are done."""
        loop = QEventLoop()
        self._start(max_batches=batches, on_finished=loop.quit)
        if not self.running:
            return
        QTimer.singleShot(timeout_ms, loop.quit)
        loop.exec()
        self.stop_training()
