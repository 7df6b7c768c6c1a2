"""The training page: train the Model page's convnet on a dataset and watch it learn, live.

The model being trained belongs to the worker thread while it runs; this page keeps its own clone
(``view_model``) and copies the weights out of every snapshot it renders, so drawing, feature maps
and predictions work during training without touching the worker's model.
"""

import os

from PySide6.QtCore import QCoreApplication, QEventLoop, Qt, QTimer, Slot
from PySide6.QtWidgets import QHBoxLayout, QMessageBox, QScrollArea

from cnn_explorer.data import catalog
from cnn_explorer.gui.pages.base import Page
from cnn_explorer.gui.pages.training.controls_panel import TrainingControls
from cnn_explorer.nn.reports import (format_progress, format_speed,
                                                   not_learning_message)
from cnn_explorer.gui.pages.training.dataset_chooser import DatasetChooser
from cnn_explorer.gui.pages.training.live_display import TrainingDisplay
from cnn_explorer.gui.pages.training.model_files import ModelFiles
from cnn_explorer.gui.pages.training.model_slot import ModelSlot
from cnn_explorer.gui.pages.training.views_panel import TrainingViews
from cnn_explorer.gui.workers import TrainingWorker, start_in_thread
from cnn_explorer.nn import training

PROBE_INTERVAL = 1.0  # s between the worker's predictions for the grid and feature maps
# s between drawn snapshots (12.5 frames/s): every frame's painting takes CPU from the two
# training threads on a 2-core machine; at 20 frames/s the app trained at ~84% of the engine's
# bare speed, the floor being 85%
SNAPSHOT_INTERVAL = 0.08


class TrainingPage(ModelSlot, ModelFiles, Page):
    """Dataset and hyper-parameters on the left; live views of the training on the right."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.ask_to_save = True  # tests and screenshots switch the save question off
        self.dataset = None
        self.model = None
        self.dirty = False
        self.worker = None
        self.thread = None
        self.latest = None
        self._confusion_of = None  # the snapshot whose validation matrix is on screen
        self.last_error = ""
        self._architecture_key = None
        self._dataset_source = catalog.BUNDLED   # the combo's entry for the data in use
        self._fit_message = ""
        self.controls = TrainingControls()
        self.views = TrainingViews()
        self.datasets = DatasetChooser(self.controls, self)
        self.display = TrainingDisplay(self.views, self)
        scroll = QScrollArea()
        scroll.setWidget(self.controls)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.NoFrame)
        scroll.setMinimumWidth(self.controls.minimumWidth() + 16)
        scroll.setMaximumWidth(self.controls.maximumWidth() + 16)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        layout = QHBoxLayout(self)
        layout.addWidget(scroll)
        layout.addWidget(self.views, 1)
        self._connect()
        # last resort if the app quits without closing the window: never leave a thread running
        QCoreApplication.instance().aboutToQuit.connect(self.stop_training)
        QCoreApplication.instance().aboutToQuit.connect(self.datasets.stop)
        self.controls.set_running(False)
        self._load_dataset(self.datasets.refresh())

    def _connect(self):
        c = self.controls
        self.datasets.sigChosen.connect(self._load_dataset)
        self.datasets.sigMessage.connect(c.show_message)
        self.datasets.sigDownloaded.connect(self._on_downloaded)
        self.display.sigSelectionChanged.connect(self._on_selection_changed)
        c.start_button.clicked.connect(self.start)
        c.pause_button.toggled.connect(self._on_pause_toggled)
        c.stop_button.clicked.connect(self.stop)
        c.new_button.clicked.connect(self.new_model)
        c.save_button.clicked.connect(self._on_save)
        c.load_button.clicked.connect(self._on_load)

    @property
    def view_model(self):
        """The GUI thread's copy of the model, for the views."""
        return self.display.model

    # -- data ----------------------------------------------------------------------------
    def _load_dataset(self, name_or_path):
        try:
            dataset = catalog.load(name_or_path)
        except (ValueError, OSError) as exc:
            self.controls.show_message(f"Could not load {name_or_path}: {exc}")
            # the list goes back to the data still in use (it showed the folder that failed)
            self.datasets.refresh(select=self._dataset_source)
            return False
        self.set_dataset(dataset)
        self._dataset_source = name_or_path
        return True

    def _on_downloaded(self, name):
        title = catalog.DOWNLOADS[name].title
        if self.running:  # switching to it would stop the training under way
            self.datasets.refresh(select=self._dataset_source)
            self.controls.show_message(f"Downloaded {title}: choose it in the list to train on it "
                                       "(that stops this training).", error=False)
        else:
            self.datasets.refresh(select=name)
            if self._load_dataset(name):
                self.controls.show_message(f"Downloaded {title}.", error=False)

    def set_dataset(self, dataset):
        """Train on ``dataset`` from now on (stops a running training first)."""
        self.stop_training()
        self.dataset = dataset
        info = (f"{len(dataset.x_train):,} training and {len(dataset.x_test):,} test images "
                f"{dataset.x_train.shape[1]}×{dataset.x_train.shape[2]}, "
                f"{dataset.num_classes} classes.")
        # the catalog's notes are clauses: each becomes a sentence (they ran into one another)
        notes = [note[:1].upper() + note[1:] + ("" if note.endswith(".") else ".")
                 for note in dataset.notes]
        self.controls.dataset_info.setText(" ".join((info, *notes)))
        self.controls.show_message("")
        self.display.dataset = dataset
        self.display.clear_confusion()
        self._update_validation()
        self._note_architecture()   # still true of the model with other data
        self._check_fit()
        self.display.show_test_images()

    def _update_validation(self):
        split = self.controls.validation_split.value()
        if self.dataset is None or split <= 0:
            self.display.set_validation(None, None)
            return
        _, _, x_val, y_val = training.split_validation(
            self.dataset.x_train, self.dataset.y_train, split, self.controls.seed.value())
        self.display.set_validation(x_val, y_val)

    def showEvent(self, event):  # noqa: N802 (Qt name)
        super().showEvent(event)
        self._sync_architecture()   # during a run only the note: a change made meanwhile is said

    # -- training ------------------------------------------------------------------------
    @property
    def running(self):
        return self.thread is not None

    @property
    def undo_held(self):
        """Edit ▸ Undo would swap the model under a run, like New model and Load (disabled then);
        the main window and the page keep this page's undo stack inactive meanwhile."""
        return self.running

    def config(self):
        c = self.controls
        return training.TrainConfig(
            epochs=c.epochs.value(), batch_size=c.batch_size.value(),
            optimizer=c.optimizer.currentText(), learning_rate=c.learning_rate.value(),
            validation_split=c.validation_split.value(), seed=c.seed.value(), snapshot_every=1,
            augment_shift=c.augment.value())

    def start(self):
        """Start (or continue) training the model on the dataset in a worker thread."""
        self._start()

    def _start(self, max_batches=None, on_finished=None):
        """``start()``, stopping after ``max_batches`` mini-batches; ``on_finished`` is connected
        to the worker's ``sigFinished`` before its thread starts (so it cannot miss it)."""
        if self.running or self.dataset is None:
            return
        self.controls.show_message("")
        self._sync_architecture()   # its note stays up: Start trains this model, kept
        if not self._check_fit():
            return
        done = len(self.model.history["loss"])
        if done >= self.controls.epochs.value():
            self.controls.show_message(
                f"This model has already trained {done} epochs: set Epochs above {done} to "
                "continue its training.", error=False)
            return
        self.last_error = ""
        self._update_validation()
        self.display.model = self.model.clone()
        config = self.config()
        self._batch_size = config.batch_size
        self.worker = TrainingWorker(self.model, (self.dataset.x_train, self.dataset.y_train),
                                     config, eval_x=self.display.val[0],
                                     interval=SNAPSHOT_INTERVAL, probe=self.display.make_probe(),
                                     probe_interval=PROBE_INTERVAL, max_batches=max_batches)
        self.worker.sigProbe.connect(self._on_probe)
        self.worker.sigSnapshot.connect(self._on_snapshot)
        self.worker.sigEpochEnd.connect(self._on_epoch_end)
        self.worker.sigPaused.connect(self._on_paused)
        self.worker.sigError.connect(self._on_error)
        self.worker.sigFinished.connect(self._on_finished)
        if on_finished is not None:
            self.worker.sigFinished.connect(on_finished)
        self.thread = start_in_thread(self.worker, self)
        self.undo_stack.setActive(False)   # Ctrl+Z stopped the run and put the old model back
        self.controls.set_running(True)
        self.controls.status.setText("Training…")

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
        finished = self.thread.wait(timeout_ms)
        if finished:
            # the worker's last signals may still be queued: its final snapshot says why it ended
            self._finish(self.worker.final or self.latest)
        return finished

    def _from_current_worker(self):
        return self.worker is not None and self.sender() is self.worker

    @Slot(object)
    def _on_snapshot(self, snapshot):
        if not self._from_current_worker():
            return
        self.latest = snapshot
        if snapshot.images_seen == 0:
            # a stop (or divergence) before the run's first batch: nothing was trained, and its
            # NaN point and "batch 1" progress would say otherwise (the model was marked trained)
            return
        self.dirty = True
        self.controls.progress.setMaximum(snapshot.epochs * snapshot.batches_per_epoch)
        self.controls.progress.setValue(snapshot.step)
        self.controls.progress.setFormat(format_progress(snapshot))
        if not self.worker.paused:
            self.controls.status.setText(format_speed(snapshot, self._batch_size))
        self.views.curves.add_snapshot(snapshot)
        self.display.show_kernels(snapshot.conv_kernels)
        self.view_model.set_weights(list(snapshot.weights))

    @Slot(object)
    def _on_probe(self, result):
        if self._from_current_worker():
            self.display.show_probe(result)

    def _on_selection_changed(self):
        if self.running:
            self.worker.set_probe(self.display.make_probe())

    @Slot(object, object)
    def _on_epoch_end(self, snapshot, probabilities):
        if self._from_current_worker() and probabilities is not None:
            when = f"after epoch {snapshot.epoch + 1}" if snapshot.epoch_end else "now"
            self.display.show_confusion(probabilities, when)
            self._confusion_of = snapshot

    @Slot(object)
    def _on_paused(self, snapshot):
        # not after a quick Resume: the worker's "paused" may arrive once it runs again
        if self._from_current_worker() and self.worker.paused:
            self.controls.status.setText("Paused between two batches.")

    @Slot(str)
    def _on_error(self, message):
        if self._from_current_worker():
            self.last_error = message
            self.controls.show_message(message + " The last good weights are kept.")

    @Slot(object)
    def _on_finished(self, snapshot):
        if self._from_current_worker():
            self.thread.wait()
            self._finish(snapshot)

    def _finish(self, snapshot):
        if snapshot is not None:
            self.latest = snapshot
        self.thread.deleteLater()
        self.worker.deleteLater()
        self.thread = self.worker = None
        if self.isVisible():   # the current page: its undo stack is the Edit menu's again
            self.undo_stack.setActive(True)
        self.controls.set_running(False)
        self.view_model.set_weights(self.model.get_weights())
        self._describe_model()
        reason = getattr(self.latest, "reason", None) or "stopped"
        if reason.startswith("diverged"):
            self.controls.show_message(f"Training {reason}. Try a smaller learning rate.")
        elif not self.last_error and self.dataset is not None:
            warning = not_learning_message(self.model.history, self.dataset.num_classes,
                                           self.controls.learning_rate.value())
            if warning:
                self.controls.show_message(warning)
        self.controls.status.setText(
            {"finished": "Finished.", "stopped": "Stopped."}.get(reason, "Stopped with an error.")
            + " Start continues training this model.")
        self.display.refresh_all()
        self.views.curves.flush()
        x_val = self.display.val[0]
        # the worker sent the final snapshot's matrix, unless the stop came before it was queued
        current = self.latest is not None and self._confusion_of is self.latest
        if x_val is not None and self.display.enabled and not (self.last_error or current):
            self.display.show_confusion(self.view_model.predict(x_val), "now")

    # -- page hooks ----------------------------------------------------------------------
    def train_batches(self, batches, timeout_ms=120000):
        """Train ``batches`` mini-batches and wait (a local event loop) until they are done."""
        # counting the (throttled) snapshots let a whole epoch pass between two of them
        loop = QEventLoop()
        self._start(max_batches=batches, on_finished=loop.quit)
        if not self.running:
            return
        QTimer.singleShot(timeout_ms, loop.quit)
        loop.exec()
        self.stop_training()

    def prepare_screenshot(self, demo_train=0):
        self.ask_to_save = False
        if demo_train > 0:
            self.train_batches(demo_train)
        self.views.canvas.stroke([(9, 6), (18, 7), (13, 13), (19, 18), (9, 23)])  # a "3"

    def can_close(self):
        # ask before stopping anything, so that Cancel leaves a running training running
        # the window's visibility, not the page's: from another tab the model went unasked
        ask = ((self.dirty or self.running) and self.ask_to_save and self.window().isVisible()
               and os.environ.get("QT_QPA_PLATFORM") != "offscreen")
        answer = QMessageBox.Discard
        if ask:
            answer = QMessageBox.question(
                self, "Save the trained model?",
                "The model was trained since it was last saved. Save it before closing?",
                QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel, QMessageBox.Save)
            if answer == QMessageBox.Cancel:
                return False
        if not (self.stop_training() and self.datasets.stop()):
            return False
        if answer == QMessageBox.Save and self.dirty:
            self._on_save()
            return not self.dirty
        return True
