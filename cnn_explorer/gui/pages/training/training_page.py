"""The training page: train the Model page's convnet on a dataset and watch it learn, live.

The page's settings are one frozen ``TrainingSettings`` (``self.state``): a widget's change is
``edit(...)``, and ``render`` sets the widgets from the state. The model being trained belongs to
the worker thread while it runs; the views use their own clone (``view_model``), fed from the
frames the worker sends when the views' frame clock asks for one.
"""

import os

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QMessageBox, QVBoxLayout

from cnn_explorer.data import catalog
from cnn_explorer.gui.pages.base import Page
from cnn_explorer.gui.pages.training.controls_panel import ControlsScroll, TrainingControls
from cnn_explorer.gui.pages.training.dataset_chooser import DatasetChooser
from cnn_explorer.gui.pages.training.live_views import TrainingViews
from cnn_explorer.gui.pages.training.model_files import ModelFiles
from cnn_explorer.gui.pages.training.model_slot import ARCHITECTURE_CHANGED, ModelSlot, ReplaceModel
from cnn_explorer.gui.pages.training.predictions_feed import PredictionsFeed
from cnn_explorer.gui.pages.training.training_run import TrainingRun
from cnn_explorer.gui.widgets.first_run_hint import FirstRunHint
from cnn_explorer.nn import guide_model, training
from cnn_explorer.nn.fit import image_shape_of
from cnn_explorer.nn.reports import start_label, start_plan
from cnn_explorer.nn.training_settings import TrainingSettings

HINT = ("Press <b>Start</b> (Ctrl+Enter) to train the model, or <b>Step one batch</b> to watch a "
        "single forward pass, loss and update; a slower <b>Speed</b> lets you see the filters "
        "change.")
# the settings the controls edit: (field, widget name, undo text)
SETTINGS = (("epochs", "epochs", "Epochs"), ("batch_size", "batch_size", "Batch size"),
            ("optimizer", "optimizer", "Optimiser"), ("learning_rate", "learning_rate",
                                                      "Learning rate"),
            ("validation_split", "validation_split", "Validation split"),
            ("augment_shift", "augment", "Random shift"), ("seed", "seed", "Seed"),
            ("speed", "speed", "Speed"), ("grey", "grey", "Convert to grey"))


class TrainingPage(TrainingRun, ModelFiles, Page):
    """Dataset and hyper-parameters on the left; live views of the training on the right."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.ask_to_save = True  # tests and screenshots switch the save question off
        self.slot = ModelSlot()
        self.dataset = None
        self.worker = None
        self.worker_thread = None
        self.latest = None
        self._confusion_of = None  # the snapshot whose validation matrix is on screen
        self._step_report = ""
        self.last_error = ""
        self._dataset_source = None   # the dataset loaded (the state names the one chosen)
        self._loaded_grey = False     # whether it was loaded converted to grey
        self._follow_pending = False  # the Model page was not reachable when the data came
        self._fit_message = ""
        self.controls = TrainingControls()
        self.views = TrainingViews()
        self.datasets = DatasetChooser(self.controls, self)
        self.feed = PredictionsFeed(self.views, self)
        self.hint = FirstRunHint("training", HINT)
        self.controls_scroll = ControlsScroll(self.controls)
        columns = QHBoxLayout()
        columns.addWidget(self.controls_scroll)
        columns.addWidget(self.views, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addLayout(columns, 1)
        # a box that paints its own background holds the repaint of a changed view, label or
        # progress bar within it: otherwise each frame of a run painted the window, the tabs
        # and every box from the top down (the same colour: nothing looks different)
        for box in self.findChildren(QGroupBox):
            box.setAutoFillBackground(True)
        self._connect()
        # last resort if the app quits without closing the window: never leave a thread running
        QCoreApplication.instance().aboutToQuit.connect(self.stop_training)
        QCoreApplication.instance().aboutToQuit.connect(self.datasets.stop)
        self.controls.set_running(False)
        self.state = TrainingSettings(dataset=self.datasets.refresh())
        self.render(self.state)
        self._load_dataset(self.state.dataset)

    def _connect(self):
        c = self.controls
        self.datasets.sigChosen.connect(self._choose_dataset)
        self.datasets.sigMessage.connect(c.show_message)
        self.datasets.sigDownloaded.connect(self._on_downloaded)
        self.feed.sigSelectionChanged.connect(self._on_selection_changed)
        self.views.sigFrameWanted.connect(self._on_frame_wanted)
        c.start_button.clicked.connect(self.start)
        c.step_button.clicked.connect(self.step)
        c.pause_button.toggled.connect(self._on_pause_toggled)
        c.stop_button.clicked.connect(self.stop)
        c.new_button.clicked.connect(self.new_model)
        c.save_button.clicked.connect(self._on_save)
        c.load_button.clicked.connect(self._on_load)
        for field, name, text in SETTINGS:
            c.changed(name).connect(
                lambda _=None, f=field, n=name, t=text: self._edit_setting(t, f, c.value(n)))

    @property
    def model(self):
        return self.slot.model

    @property
    def dirty(self):
        return self.slot.dirty

    @dirty.setter
    def dirty(self, value):
        self.slot.dirty = value

    @property
    def view_model(self):
        """The GUI thread's copy of the model, for the views."""
        return self.feed.model

    def share_model(self, shared):
        super().share_model(shared)
        self.publish_model()

    def publish_model(self):
        """Tell the other pages (through the window's ``SharedModel``) what the model is now."""
        if self.shared_model is None:
            return
        latest = self.latest
        history = None if self.model is None else self.model.history
        self.shared_model.publish(self.view_model, self.dataset, history=history,
                                  step=getattr(latest, "step", None),
                                  images_seen=getattr(latest, "images_seen", 0))

    # -- settings ---------------------------------------------------------------------------
    def _edit_setting(self, text, field, value):
        shown = ("on" if value else "off") if isinstance(value, bool) else value
        try:
            self.edit(f"{text}: {shown}", merge_key=field, **{field: value})
        except ValueError as exc:   # the widgets' ranges keep this rare; the state stays
            self.controls.show_message(str(exc))
            self.render(self.state)

    def render(self, state):
        """Show ``state`` in the controls, and make the data and the run follow it."""
        for field, name, _ in SETTINGS:
            self.controls.set_value(name, getattr(state, field))
        if self._dataset_source is not None and \
                (state.dataset, state.grey) != (self._dataset_source, self._loaded_grey):
            self._load_dataset(state.dataset)     # undo or redo of a dataset or grey choice
        self._update_validation()
        if self.running:
            self.worker.set_speed(state.speed)
        self._show_start_plan()

    def _show_start_plan(self):
        """The Start button and the status say what Start will do (the model, the Epochs)."""
        if self.running or self.model is None:
            return
        done = self.slot.epochs_done
        self.controls.set_start_text(start_label(done, self.state.epochs))
        self.controls.status.setText(start_plan(done, self.state.epochs, self.dirty))

    # -- data -------------------------------------------------------------------------------
    def _choose_dataset(self, name_or_path):
        if self._load_dataset(name_or_path) and name_or_path != self.state.dataset:
            self.edit(f"Dataset: {self.dataset.title}", dataset=name_or_path)

    def _load_dataset(self, name_or_path):
        try:
            dataset = catalog.load(name_or_path, grey=self.state.grey)
        except (ValueError, OSError) as exc:
            self.controls.show_message(f"Could not load {name_or_path}: {exc}")
            # the list goes back to the data still in use (it showed the folder that failed)
            self.datasets.refresh(select=self._dataset_source)
            return False
        self._dataset_source, self._loaded_grey = name_or_path, self.state.grey
        self.datasets.refresh(select=name_or_path)
        self.set_dataset(dataset)
        return True

    def _on_downloaded(self, name):
        title = catalog.TITLES[name]
        if self.running:  # switching to it would stop the training under way
            self.datasets.refresh(select=self._dataset_source)
            self.controls.show_message(f"Downloaded {title}: choose it in the list to train on it "
                                       "(that stops this training).", error=False)
        else:
            self.datasets.refresh(select=name)
            self._choose_dataset(name)
            if self._dataset_source == name:
                self.controls.show_message(f"Downloaded {title}.", error=False)

    def set_dataset(self, dataset):
        """Train on ``dataset`` from now on (stops a running training first)."""
        self.stop_training()
        self.dataset = dataset
        height, width, channels = image_shape_of(dataset.x_train.shape)
        info = (f"{len(dataset.x_train):,} training and {len(dataset.x_test):,} test images "
                f"{height}×{width}×{channels} ({'grey' if channels == 1 else 'colour'}), "
                f"{dataset.num_classes} classes.")
        # the catalog's notes are clauses: each becomes a sentence (they ran into one another)
        notes = [note[:1].upper() + note[1:] + ("" if note.endswith(".") else ".")
                 for note in dataset.notes]
        self.controls.dataset_info.setText(" ".join((info, *notes)))
        self.controls.show_message("")
        self.feed.dataset = dataset
        self.feed.clear_confusion()
        self.feed.use_test_images()   # before a model for these images draws its predictions
        self._update_validation()
        self.follow_dataset()
        self._note_architecture()   # still true of the model with other data
        self._check_fit()
        self.feed.show_test_images()
        self.publish_model()

    def _update_validation(self):
        split = self.state.validation_split
        if self.dataset is None or split <= 0:
            self.feed.set_validation(None, None)
            return
        _, _, x_val, y_val = training.split_validation(
            self.dataset.x_train, self.dataset.y_train, split, self.state.seed)
        self.feed.set_validation(x_val, y_val)

    def showEvent(self, event):  # noqa: N802 (Qt name)
        super().showEvent(event)
        if self._follow_pending:
            self.follow_dataset()
        self._sync_architecture()   # during a run only the note: a change made meanwhile is said

    # -- the model --------------------------------------------------------------------------
    def _check_fit(self):
        """Whether the model fits the data; if not, the page says what to change."""
        page = self._model_page()
        problem = self.slot.problem_with(self.dataset, page and page.state.input_shape)
        self.feed.enabled = not problem
        if problem:
            self._fit_message = problem
            self.controls.show_message(problem)
        elif self.controls.message.text() == self._fit_message:   # fixed: don't leave it up
            self.controls.show_message("")
        return not problem

    def follow_dataset(self):
        """The Model page's input takes the data's image shape (a colour dataset: H×W×3), an
        undoable edit there; an untrained model follows it (a trained one stays until New
        model, and the page says why it cannot train on these images). Without a Model page
        (not built yet) the guide's model is rebuilt for the data, and the Model page follows
        once it is there (the main window calls this then)."""
        page = self._model_page()
        self._follow_pending = page is None
        if self.dataset is None:
            return
        shape = image_shape_of(self.dataset.x_train.shape)
        if page is None:
            if self.slot.key == "guide" and self.model.input_shape != shape \
                    and not self.running and not self.slot.trained:
                self.new_model()
            return
        if page.state.input_shape != shape:
            page.set_specs(page.specs, f"Input of {self.dataset.title}: "
                           + "×".join(map(str, shape)), input_shape=shape)
            # (the page refuses a shape its layers cannot take, and says why)
            if page.state.input_shape == shape and not self.running and not self.slot.trained:
                self.new_model()

    def _model_page(self):
        page = getattr(self.window(), "pages", {}).get("model")
        return page if hasattr(page, "build_model") else None

    def _fresh_model(self):
        """A new model of the Model page's architecture (the guide's model without that page)."""
        page = self._model_page()
        if page is None:    # the guide's layers, for images of the data's shape
            shape = image_shape_of(self.dataset.x_train.shape) if self.dataset else None
            return guide_model.guide_convnet(input_shape=shape or (28, 28, 1)), "guide"
        return page.build_model(), page.architecture_key()

    def set_model(self, model, key=None, dirty=False):
        """Use ``model`` (untrained or trained) from now on; the views show its weights."""
        self.stop_training()
        self.slot.put(model, key, dirty)
        self.feed.model = model.clone()
        self.feed.clear_confusion()
        self.latest = None
        self.views.reset(model)
        if model.history.get("loss"):
            self.views.curves.set_history(model.history)
        self.controls.model_label.setText(self.slot.header())
        # the last run's progress and advice were about the model this one replaces
        self.controls.progress.setValue(0)
        self.controls.progress.setFormat("not started")
        self.controls.show_message("")
        self._show_start_plan()
        self._note_architecture()
        self.publish_model()
        self._check_fit()
        self.feed.refresh_all()

    def new_model(self):
        self.replace_model(*self._fresh_model(), "New model")

    def replace_model(self, model, key, text):
        """Use ``model``; undoable (Edit ▸ Undo) when it replaces a trained model."""
        if self.slot.trained:
            self.undo_stack.push(ReplaceModel(self, model, key, text))
        else:
            self.set_model(model, key)

    def restore_model(self, model, key, dirty):
        self.set_model(model, key, dirty)

    def _sync_architecture(self):
        """Adopt the Model page's architecture if it changed and nothing would be lost."""
        page = self._model_page()
        if self.model is None or (page is not None and page.architecture_key() != self.slot.key
                                  and not self.running and not self.slot.trained):
            self.new_model()
        else:
            self._note_architecture()

    def _note_architecture(self):
        """Say so while the Model page shows another architecture than the model's; once they
        agree again (New model, Load, Undo) the note goes."""
        page = self._model_page()
        if page is not None and self.model is not None and page.architecture_key() != self.slot.key:
            self.controls.show_message(ARCHITECTURE_CHANGED, error=False)
        elif self.controls.message.text() == ARCHITECTURE_CHANGED:
            self.controls.show_message("")

    # -- page hooks -------------------------------------------------------------------------
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
