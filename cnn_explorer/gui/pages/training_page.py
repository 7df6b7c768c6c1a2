"""The training page: train the Model page's convnet on a dataset and watch it learn, live.

The model being trained belongs to the worker thread while it runs; this page keeps its own clone
(``view_model``) and copies the weights out of every snapshot it renders, so drawing, feature maps
and predictions work during training without touching the worker's model.
"""

import os
import time

import numpy as np
from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QMenu, QMessageBox, QScrollArea

from cnn_explorer.data import catalog
from cnn_explorer.gui import settings as keys
from cnn_explorer.gui.pages.base import Page
from cnn_explorer.gui.pages.training_controls import TrainingControls
from cnn_explorer.gui.pages.training_data import (confusion_counts, format_progress,
                                                  format_speed, predictions_of)
from cnn_explorer.gui.pages.training_views import TrainingViews
from cnn_explorer.gui.workers import DownloadWorker, TrainingWorker, start_in_thread
from cnn_explorer.nn import models, training
from cnn_explorer.nn.model import Sequential

GRID_IMAGES = 24
HEAVY_INTERVAL = 0.5  # s between the throttled views (feature maps, predictions, drawing)


class TrainingPage(Page):
    """Dataset and hyper-parameters on the left; live views of the training on the right."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.ask_to_save = True  # tests and screenshots switch the save question off
        self.dataset = None
        self.model = None
        self.view_model = None
        self.dirty = False
        self.worker = None
        self.thread = None
        self.latest = None
        self.last_error = ""
        self._architecture_key = None
        self._val = (None, None)
        self._grid_index = np.arange(0)
        self._feature_index = 0
        self._last_heavy = 0.0
        self._compatible = False
        self._val_predictions = None
        self._download = None
        self.controls = TrainingControls()
        self.views = TrainingViews()
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
        self.controls.set_running(False)
        self.refresh_datasets()

    def _connect(self):
        c, v = self.controls, self.views
        c.dataset_combo.activated.connect(self._on_dataset_chosen)
        c.open_button.clicked.connect(self._on_open_folder)
        c.download_button.clicked.connect(self._on_download)
        c.cancel_download.clicked.connect(self._on_cancel_download)
        c.start_button.clicked.connect(self.start)
        c.pause_button.toggled.connect(self._on_pause_toggled)
        c.stop_button.clicked.connect(self.stop)
        c.new_button.clicked.connect(self.new_model)
        c.save_button.clicked.connect(self._on_save)
        c.load_button.clicked.connect(self._on_load)
        v.canvas.sigChanged.connect(self._on_drawing_changed)
        v.clear_button.clicked.connect(v.canvas.clear)
        v.channel.valueChanged.connect(self._on_channel_changed)
        v.predictions.sigImageClicked.connect(self._on_image_clicked)
        v.confusion.sigCellClicked.connect(self._on_confusion_clicked)
        v.show_test.clicked.connect(self._show_test_images)

    # -- data ----------------------------------------------------------------------------
    def refresh_datasets(self, select=None):
        combo = self.controls.dataset_combo
        current = select or combo.currentData() or catalog.BUNDLED
        combo.blockSignals(True)
        combo.clear()
        for info in catalog.available():
            count = f" · {info.num_train:,} train" if info.num_train else ""
            combo.addItem(f"{info.title}{count}", info.name)
            combo.setItemData(combo.count() - 1, info.description, Qt.ToolTipRole)
        if isinstance(current, str) and os.path.isdir(current) and combo.findData(current) < 0:
            combo.addItem(f"Folder: {os.path.basename(current)}", current)
        combo.setCurrentIndex(max(combo.findData(current), 0))
        combo.blockSignals(False)
        if self.dataset is None and combo.count():
            self._load_dataset(combo.currentData())

    def _on_dataset_chosen(self, index):
        self._load_dataset(self.controls.dataset_combo.itemData(index))

    def _on_open_folder(self):
        store = keys.settings()
        folder = QFileDialog.getExistingDirectory(self, "Open a dataset folder",
                                                  store.value(keys.LAST_DIRECTORY, ""))
        if folder:
            store.setValue(keys.LAST_DIRECTORY, folder)
            self.refresh_datasets(select=folder)
            self._load_dataset(folder)

    def _load_dataset(self, name_or_path):
        try:
            dataset = catalog.load(name_or_path)
        except (ValueError, OSError) as exc:
            self.controls.show_message(f"Could not load {name_or_path}: {exc}")
            return False
        self.set_dataset(dataset)
        return True

    def set_dataset(self, dataset):
        """Train on ``dataset`` from now on (stops a running training first)."""
        self.stop_training()
        self.dataset = dataset
        info = (f"{len(dataset.x_train):,} training and {len(dataset.x_test):,} test images "
                f"{dataset.x_train.shape[1]}×{dataset.x_train.shape[2]}, "
                f"{dataset.num_classes} classes.")
        notes = [note[:1].upper() + note[1:] for note in dataset.notes]
        self.controls.dataset_info.setText(" ".join((info, *notes)))
        self.controls.show_message("")
        self._update_validation()
        self._check_classes()
        self._show_test_images()

    def _update_validation(self):
        split = self.controls.validation_split.value()
        if self.dataset is None or split <= 0:
            self._val = (None, None)
            return
        _, _, x_val, y_val = training.split_validation(
            self.dataset.x_train, self.dataset.y_train, split, self.controls.seed.value())
        self._val = (x_val, y_val)

    def _check_classes(self):
        """Whether the model fits the data (image size and classes); if not, say what to change."""
        self._compatible = False
        if self.dataset is None or self.model is None:
            return False
        size, model_size = self.dataset.x_train.shape[1:3], self.model.input_shape[:2]
        outputs = self.model.output_shape[-1]
        if size != model_size:
            self.controls.show_message(
                f"The model takes {model_size[0]}×{model_size[1]} images but {self.dataset.title} "
                f"has {size[0]}×{size[1]} images.")
        elif outputs != self.dataset.num_classes:
            self.controls.show_message(
                f"The model has {outputs} outputs but {self.dataset.title} has "
                f"{self.dataset.num_classes} classes: set the last Dense layer's units to "
                f"{self.dataset.num_classes} on the Model page, then press New model.")
        else:
            self._compatible = True
        return self._compatible

    # -- downloads -----------------------------------------------------------------------
    def _on_download(self):
        menu = QMenu(self)
        for name, spec in catalog.DOWNLOADS.items():
            menu.addAction(spec.title, lambda n=name: self.start_download(n))
        menu.exec(self.controls.download_button.mapToGlobal(
            self.controls.download_button.rect().bottomLeft()))

    def start_download(self, name):
        """Download ``name`` (a key of ``catalog.DOWNLOADS``) in a thread, with progress."""
        worker = DownloadWorker(name, catalog.download)
        worker.sigProgress.connect(self._on_download_progress)
        worker.sigError.connect(self._on_download_error)
        worker.sigFinished.connect(self._on_download_finished)
        self.controls.set_downloading(True)
        self.controls.download_bar.setValue(0)
        self._download = (worker, start_in_thread(worker, self), name)

    def _on_download_progress(self, done, total):
        bar = self.controls.download_bar
        bar.setRange(0, 1000 if total else 0)
        if total:
            bar.setValue(int(1000 * done / total))
            bar.setFormat(f"{done / 1e6:.1f} of {total / 1e6:.1f} MB")

    def _on_download_error(self, message):
        self.controls.show_message(message, error=message != "Download cancelled.")

    def _on_cancel_download(self):
        if self._download is not None:
            self._download[0].cancel()

    def _on_download_finished(self, path):
        worker, thread, name = self._download
        thread.wait()
        self._download = None
        self.controls.set_downloading(False)
        if path:
            self.controls.show_message(f"Downloaded {catalog.DOWNLOADS[name].title}.", error=False)
            self.refresh_datasets(select=name)
            self._load_dataset(name)

    # -- the model -----------------------------------------------------------------------
    def _model_page(self):
        page = getattr(self.window(), "pages", {}).get("model")
        return page if hasattr(page, "build_model") else None

    def _fresh_model(self):
        """A new model of the Model page's architecture (the guide's model without that page)."""
        page = self._model_page()
        if page is None:
            return models.guide_convnet(), "guide"
        return page.build_model(), page.architecture_key()

    def set_model(self, model, key=None):
        """Use ``model`` (untrained or trained) from now on; the views show its weights."""
        self.stop_training()
        self.model = model
        self._architecture_key = key
        self.view_model = model.clone()
        self.dirty = False
        self.latest = None
        self.views.reset_levels()
        self.views.curves.clear()
        history = model.history
        if history.get("loss"):
            self.views.curves.set_history(history)
        self._describe_model()
        self._check_classes()
        self._refresh_all()

    def new_model(self):
        model, key = self._fresh_model()
        self.set_model(model, key)

    def _describe_model(self):
        epochs = len(self.model.history["loss"])
        trained = (f", trained {epochs} epoch{'s' * (epochs != 1)}" if epochs
                   else ", trained part of an epoch" if self.dirty else ", untrained")
        names = " → ".join(layer.name for layer in self.model.layers)
        self.controls.model_label.setText(
            f"<b>Model</b> ({self.model.count_params():,} parameters{trained}): {names}")

    def _sync_architecture(self):
        """Adopt the Model page's architecture if it changed and nothing would be lost."""
        page = self._model_page()
        if page is None:
            if self.model is None:
                self.new_model()
            return
        key = page.architecture_key()
        if self.model is None or (key != self._architecture_key and not self._trained()):
            self.new_model()
        elif key != self._architecture_key:
            self.controls.show_message("The Model page's architecture changed: press New model to "
                                       "train it (this trained model is kept until then).",
                                       error=False)

    def _trained(self):
        return self.dirty or bool(self.model.history["loss"])

    def showEvent(self, event):  # noqa: N802 (Qt name)
        super().showEvent(event)
        if not self.running:
            self._sync_architecture()

    # -- training ------------------------------------------------------------------------
    @property
    def running(self):
        return self.thread is not None

    def config(self):
        c = self.controls
        return training.TrainConfig(
            epochs=c.epochs.value(), batch_size=c.batch_size.value(),
            optimizer=c.optimizer.currentText(), learning_rate=c.learning_rate.value(),
            validation_split=c.validation_split.value(), seed=c.seed.value(), snapshot_every=1,
            augment_shift=c.augment.value())

    def start(self):
        """Start (or continue) training the model on the dataset in a worker thread."""
        if self.running or self.dataset is None:
            return
        self._sync_architecture()
        if not self._check_classes():
            return
        done = len(self.model.history["loss"])
        if done >= self.controls.epochs.value():
            self.controls.show_message(
                f"This model has already trained {done} epochs: set Epochs above {done} to "
                "continue its training.", error=False)
            return
        self.controls.show_message("")
        self.last_error = ""
        self._update_validation()
        self.view_model = self.model.clone()
        config = self.config()
        self._batch_size = config.batch_size
        self.worker = TrainingWorker(self.model, (self.dataset.x_train, self.dataset.y_train),
                                     config, eval_x=self._val[0])
        self.worker.sigSnapshot.connect(self._on_snapshot)
        self.worker.sigEpochEnd.connect(self._on_epoch_end)
        self.worker.sigPaused.connect(self._on_paused)
        self.worker.sigError.connect(self._on_error)
        self.worker.sigFinished.connect(self._on_finished)
        self._training_started = time.perf_counter()
        self.thread = start_in_thread(self.worker, self)
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
            self._finish(self.latest)
        return finished

    def _from_current_worker(self):
        return self.worker is not None and self.sender() is self.worker

    def _on_snapshot(self, snapshot):
        if not self._from_current_worker():
            return
        self.latest = snapshot
        self.dirty = True
        self.controls.progress.setMaximum(snapshot.epochs * snapshot.batches_per_epoch)
        self.controls.progress.setValue(snapshot.step)
        self.controls.progress.setFormat(format_progress(snapshot))
        if not self.worker.paused:
            self.controls.status.setText(format_speed(snapshot, self._batch_size))
        self.views.curves.add_snapshot(snapshot)
        self.views.show_kernels(snapshot.conv_kernels)
        self.view_model.set_weights(list(snapshot.weights))
        now = time.perf_counter()
        if now - self._last_heavy >= HEAVY_INTERVAL or snapshot.done:
            self._last_heavy = now
            self._refresh_predictions()

    def _on_epoch_end(self, snapshot, probabilities):
        if self._from_current_worker() and probabilities is not None:
            self._show_confusion(probabilities, f"after epoch {snapshot.epoch + 1}")

    def _show_confusion(self, probabilities, when):
        y_val = self._val[1]
        self.views.confusion.set_counts(
            confusion_counts(y_val, probabilities.argmax(axis=1), self.dataset.num_classes),
            self.dataset.class_names)
        self.views.confusion.set_title(
            f"{len(y_val):,} validation images {when}: rows true class, columns predicted "
            "(click a cell to see its images)")
        self._val_predictions = probabilities

    def _on_paused(self, snapshot):
        if self._from_current_worker():
            self.controls.status.setText("Paused between two batches.")

    def _on_error(self, message):
        if self._from_current_worker():
            self.last_error = message
            self.controls.show_message(message + " The last good weights are kept.")

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
        self.controls.set_running(False)
        self.view_model.set_weights(self.model.get_weights())
        self._describe_model()
        reason = getattr(self.latest, "reason", None) or "stopped"
        if reason.startswith("diverged"):
            self.controls.show_message(f"Training {reason}. Try a smaller learning rate.")
        self.controls.status.setText(
            {"finished": "Finished.", "stopped": "Stopped."}.get(reason, "Stopped with an error.")
            + " Start continues training this model.")
        self._refresh_all()
        if self._val[0] is not None and self._compatible and not self.last_error:
            self._show_confusion(self.view_model.predict(self._val[0]), "now")

    # -- views ---------------------------------------------------------------------------
    def _refresh_all(self):
        if self.view_model is None:
            return
        kernels = [w for w in self.view_model.get_weights() if w.ndim == 4]
        self.views.show_kernels(kernels)
        self._refresh_predictions()

    def _refresh_predictions(self):
        if not self._compatible:
            return
        images = self._grid_images()
        probs = self.view_model.predict(images)
        predicted, confidence = predictions_of(probs)
        self.views.predictions.set_items(images, self._grid_labels(), predicted, confidence,
                                         self.dataset.class_names)
        self._refresh_feature_maps()
        self._on_drawing_changed(self.views.canvas.image())

    def _refresh_feature_maps(self):
        image = self._grid_images()[self._feature_index]
        activations = [("input", image[:, :, None].astype(np.float32) / 255.0)]
        activations += [(name, a[0]) for name, a in self.view_model.activations(image[None])]
        self.views.feature_maps.set_activations(activations)

    def _on_drawing_changed(self, image):
        if not self._compatible:
            return
        probs = self.view_model.predict(image[None, :, :, None])[0]
        self.views.bars.set_probabilities(probs, self.dataset.class_names)
        best = int(probs.argmax())
        self.views.draw_result.setText(
            f"Looks like <b>{self.dataset.class_names[best]}</b> ({100 * probs[best]:.0f}%)"
            if image.any() else "Draw a digit")

    def _on_channel_changed(self, _):
        if self.latest is not None and self.running:
            self.views.show_kernels(self.latest.conv_kernels)
        else:
            self._refresh_all()

    def _grid_images(self):
        return self._grid_source[0][self._grid_index]

    def _grid_labels(self):
        return self._grid_source[1][self._grid_index]

    def _show_test_images(self):
        self._grid_source = (self.dataset.x_test, self.dataset.y_test)
        self._grid_index = np.arange(min(GRID_IMAGES, len(self.dataset.x_test)))
        self._feature_index = 0
        self.views.predictions.set_selected(0)
        self.views.predictions_title.setText("Test images: predicted class and confidence "
                                             "(red: wrong)")
        self.views.show_test.hide()
        self._refresh_predictions()

    def _on_image_clicked(self, index):
        self._feature_index = index
        self.views.feature_title.setText(f"Feature maps of the selected image ({index + 1})")
        self._refresh_feature_maps()

    def _on_confusion_clicked(self, true, predicted):
        x_val, y_val = self._val
        probs = self._val_predictions
        if probs is None or x_val is None:
            return
        cell = np.flatnonzero((y_val == true) & (probs.argmax(axis=1) == predicted))
        names = self.dataset.class_names
        self.views.predictions_title.setText(
            f"{len(cell)} validation image(s) of {names[true]} predicted as {names[predicted]}"
            + (f" (first {GRID_IMAGES})" if len(cell) > GRID_IMAGES else ""))
        self.views.show_test.show()
        if len(cell) == 0:
            self.views.predictions.set_items(np.zeros((0, 28, 28), np.uint8), [], [], [], names)
            return
        self._grid_source = (x_val, y_val)
        self._grid_index = cell[:GRID_IMAGES]
        self._feature_index = 0
        self._refresh_predictions()

    # -- files ---------------------------------------------------------------------------
    def save_model(self, path):
        self.model.save(path)
        self.dirty = False

    def load_model(self, path):
        """Load a saved model (weights, optimiser state, history): Start continues its training."""
        try:
            model = Sequential.load(path)
        except (ValueError, OSError) as exc:
            self.controls.show_message(f"Could not load {os.path.basename(path)}: {exc}")
            return False
        page = self._model_page()
        self.set_model(model, page.architecture_key() if page is not None else None)
        self.controls.show_message(f"Loaded {os.path.basename(path)}.", error=False)
        return True

    def _on_save(self):
        path, _ = QFileDialog.getSaveFileName(self, "Save the model", self._last_dir("model.npz"),
                                              "Models (*.npz)")
        if path:
            self._remember_dir(path)
            self.save_model(path)

    def _on_load(self):
        path, _ = QFileDialog.getOpenFileName(self, "Load a model", self._last_dir(""),
                                              "Models (*.npz)")
        if path:
            self._remember_dir(path)
            self.load_model(path)

    @staticmethod
    def _last_dir(name):
        return os.path.join(keys.settings().value(keys.LAST_DIRECTORY, os.path.expanduser("~")), name)

    @staticmethod
    def _remember_dir(path):
        keys.settings().setValue(keys.LAST_DIRECTORY, os.path.dirname(path))

    # -- page hooks ----------------------------------------------------------------------
    def train_batches(self, batches, timeout_ms=120000):
        """Train ``batches`` mini-batches and wait (a local event loop) until they are done."""
        self.start()
        if not self.running:
            return
        loop = QEventLoop()
        worker = self.worker
        first = []

        def check(snapshot):  # runs in the worker thread: only touches the worker's flags
            if not first:
                first.append(snapshot.step)
            if snapshot.step - first[0] + 1 >= batches:
                worker.stop()

        worker.sigSnapshot.connect(check, Qt.DirectConnection)
        self.worker.sigFinished.connect(loop.quit)
        QTimer.singleShot(timeout_ms, loop.quit)
        loop.exec()
        self.stop_training()

    def prepare_screenshot(self, demo_train=0):
        self.ask_to_save = False
        if demo_train > 0:
            self.train_batches(demo_train)
        self.views.canvas.stroke([(15, 5), (12, 14), (10, 23)])

    def can_close(self):
        if not self.stop_training():
            return False
        if not (self.dirty and self.ask_to_save and self.isVisible()
                and os.environ.get("QT_QPA_PLATFORM") != "offscreen"):
            return True
        answer = QMessageBox.question(
            self, "Save the trained model?",
            "The model was trained since it was last saved. Save it before closing?",
            QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel, QMessageBox.Save)
        if answer == QMessageBox.Save:
            self._on_save()
            return not self.dirty
        return answer == QMessageBox.Discard
