"""The Explain page: why did the student's own model say this class, and what does a filter see?

The model comes from the Training page (duck-typed: ``window().pages["training"]``, its
GUI-thread copy ``view_model`` and its ``dataset``), cloned when this page is shown so training
can go on meanwhile. The page's choices are one frozen ``ExplainChoice``; ``render`` draws from
it and the model; the maps come from ``nn.explain.plan``. The grown image comes from a
``GrowWorker`` thread that never outlives a stop, a hidden page or a close.
"""

from PySide6.QtCore import QCoreApplication, QEventLoop, QSignalBlocker, QTimer
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QScrollArea

from cnn_explorer.data import catalog
from cnn_explorer.gui.pages.base import Page
from cnn_explorer.gui.pages.explain.controls import DRAWN, ExplainControls
from cnn_explorer.gui.pages.explain.growing import GrowControl
from cnn_explorer.gui.pages.explain.views import GrowView, ImageGrid, OverlayPanel
from cnn_explorer.gui.widgets import colours
from cnn_explorer.gui.widgets.filter_grid import FilterGrid
from cnn_explorer.gui.widgets.first_run_hint import FirstRunHint
from cnn_explorer.gui.widgets.panel import ExplorerLayout, group, set_text, wrapped
from cnn_explorer.nn import guide_model
from cnn_explorer.nn.explain import conv_layers
from cnn_explorer.nn.explain.filters import layer_peaks
from cnn_explorer.nn.explain.plan import (ExplainChoice, describe, explain_filter, explain_image,
                                          fit_images, resolve)

NO_MODEL = ("Train a model on the Training page first: until then these are the maps of an "
            "untrained guide model, which mean nothing yet.")
HINT = ("Pick a test image and a class to see <b>why</b> the model chose it; pick a layer and a "
        "filter to see <b>what it looks for</b>.")
DRAW_DELAY_MS = 60   # a stroke sends many changes: one redraw per pause
BOX_MARGINS = (4, 4, 4, 4)   # the filter's three pictures fill their boxes


class ExplainPage(Page):
    """Controls on the left; the maps of one image above, one filter's pictures below.
    """

    def __init__(self, parent=None):
        super().__init__(parent)
        self.state = ExplainChoice()
        self.model = None
        self.images = self.labels = None
        self.class_names = ()
        self.grow = GrowControl(self)
        self.image_explanation = self.filter_explanation = None
        self._source_key = object()      # what the model was taken from (see use_latest_model)
        self._image_key = self._filter_key = self._grow_key = None
        self._peaks = {}                 # layer -> its peaks on the test images, for self.model
        self._drawing = 0                # counts drawn changes: a new drawing is a new image
        self._guide = self._bundled = None

        frame = ExplorerLayout(self)
        self.controls = ExplainControls()
        frame.controls.addWidget(self.controls)
        self.hint = FirstRunHint("explain", HINT)
        frame.views.addWidget(self.hint)
        self.maps_title = QLabel()
        self.maps_title.setStyleSheet(f"font-weight: bold; color: {colours.INPUT};")
        self.maps = QGridLayout()
        self.maps.setRowStretch(2, 1)
        self.saliency = OverlayPanel("Saliency")
        self.times_input = OverlayPanel("Gradient × input", signed=True)
        self.occlusion = OverlayPanel("Occlusion", signed=True)
        self.cams = []                   # (layer, its Grad-CAM panel), one per conv layer
        self._place_panels()
        self.filter_title = QLabel()
        self.filter_title.setStyleSheet(f"font-weight: bold; color: {colours.KERNEL};")
        self.grown = GrowView()
        self.top = ImageGrid(9)
        self.top_caption = wrapped()
        self.weights = FilterGrid(px_per_weight=10)   # 32 channels fit a third of the width
        filters = QHBoxLayout()
        filters.addWidget(group("Grown to excite it", self.grown, stretch=(1,), margins=BOX_MARGINS), 1)
        filters.addWidget(group("Test images that excite it most", self.top, self.top_caption,
                                   stretch=(1, 0), margins=BOX_MARGINS), 1)
        # the grid grows downwards as its width shrinks: scrolled, it never sets the page's height
        weights = QScrollArea()
        weights.setWidget(self.weights)
        weights.setWidgetResizable(True)
        weights.setFrameShape(QFrame.NoFrame)
        # the colour bar under the scroll area, not at the grid's foot: at 1024×700 the grid is
        # taller than its view and the bar was below the fold
        filters.addWidget(group("Its weights", weights, self.weights.colour_bar, stretch=(1, 0),
                                margins=BOX_MARGINS), 1)
        frame.views.addWidget(self.maps_title)
        frame.views.addLayout(self.maps, 3)
        frame.views.addWidget(self.filter_title)
        frame.views.addLayout(filters, 2)

        self._draw_timer = QTimer(self)
        self._draw_timer.setSingleShot(True)
        self._draw_timer.setInterval(DRAW_DELAY_MS)
        self._draw_timer.timeout.connect(self._on_drawn)
        self._connect()
        # last resort if the app quits without closing the window: never leave a thread running
        QCoreApplication.instance().aboutToQuit.connect(self.stop_growing)

    def _connect(self):
        c = self.controls
        c.refresh_button.clicked.connect(lambda: self.use_latest_model(force=True))
        c.source.activated.connect(lambda i: self._edit(
            "Explain: " + c.source.itemText(i), drawn=c.source.itemText(i) == DRAWN))
        c.image_index.valueChanged.connect(
            lambda v: self._edit("Test image", "image", image_index=v))
        c.class_choice.activated.connect(
            lambda i: self._edit("Class", class_index=None if i == 0 else i - 1))
        c.occlusion_size.valueChanged.connect(
            lambda v: self._edit("Occlusion patch", occlusion_size=v))
        c.occlusion_stride.valueChanged.connect(
            lambda v: self._edit("Occlusion stride", occlusion_stride=v))
        c.occlusion_fill.valueChanged.connect(
            lambda v: self._edit("Occlusion fill", occlusion_fill=v))
        c.layer.activated.connect(lambda i: self._edit("Layer", layer=c.layer.itemText(i)))
        c.channel.valueChanged.connect(lambda v: self._edit("Filter", "filter", channel=v))
        c.steps.valueChanged.connect(lambda v: self._edit("Steps", steps=v))
        c.learning_rate.valueChanged.connect(lambda v: self._edit("Step size", learning_rate=v))
        c.jitter.valueChanged.connect(lambda v: self._edit("Jitter", jitter=v))
        c.blur.valueChanged.connect(lambda v: self._edit("Blur", blur=v))
        c.grow_button.clicked.connect(self._on_grow_clicked)
        self.grow.sigStep.connect(self._on_grow_step)
        self.grow.sigError.connect(c.message.setText)
        self.grow.sigStopped.connect(lambda: c.set_running(False))
        c.canvas.sigChanged.connect(lambda _: self._draw_timer.start())
        c.clear_button.clicked.connect(c.canvas.clear)

    def _edit(self, text, merge_key=None, **changes):
        try:
            self.edit(text, merge_key, **changes)
        except ValueError as exc:      # the state refused it: keep the previous one, say why
            self.controls.message.setText(str(exc))

    # -- the model -------------------------------------------------------------------------
    def share_model(self, shared):
        super().share_model(shared)
        shared.changed.connect(self._on_model_published)

    def _on_model_published(self):
        if self.isVisible():            # hidden, the page catches up when it is shown
            self.use_latest_model()

    def use_latest_model(self, force=False):
        """Explain the Training page's model as it is now (a copy), on its test images.

        Without a published model (no Training page), an untrained guide model on the bundled
        digits. Nothing is redone when neither the model nor its training moved on (unless
        ``force``).
        """
        shared = self.shared_model
        source, dataset, step = ((None, None, None) if shared is None
                                 else (shared.model, shared.dataset, shared.step))
        key = (id(source), step, id(dataset))
        if key == self._source_key and not force:
            return
        self.stop_growing()
        self._source_key = key
        trained = source is not None
        if source is None:
            self._guide = self._guide or guide_model.guide_convnet()
            source = self._guide
        if dataset is None:
            self._bundled = self._bundled or catalog.load(catalog.BUNDLED)
            dataset = self._bundled
        self.model = source.clone()
        self.controls.message.setText("")
        try:
            self.images = fit_images(dataset.x_test, self.model.input_shape)
            self.labels = dataset.y_test
        except ValueError as exc:
            self.images = self.labels = None
            self.controls.message.setText(f"No test images: {exc}.")
        classes = self.model.output_shape[-1]
        names = tuple(dataset.class_names)
        self.class_names = names if len(names) == classes else tuple(map(str, range(classes)))
        self._peaks, self._image_key, self._filter_key = {}, None, None
        self.controls.model_status.setText(self._describe_source(trained, shared))
        self.render(self.state)

    def _describe_source(self, trained, shared):
        if not trained:
            return NO_MODEL
        history = shared.history
        epochs = len(history.get("loss", ()))
        if epochs:
            val = (history.get("val_accuracy") or [None])[-1]
            accuracy = (f"validation accuracy {val:.1%}" if val is not None
                        else f"accuracy {history['accuracy'][-1]:.1%}")
            return (f"The Training page's model, trained {epochs} epoch{'s' * (epochs != 1)} "
                    f"({accuracy}).")
        if shared.images_seen:
            return f"The Training page's model, trained on {shared.images_seen:,} images so far."
        return "The Training page's model, not trained yet: " + NO_MODEL.split(": ", 1)[1]

    # -- drawing ---------------------------------------------------------------------------
    def render(self, state):
        if self.model is None:
            return
        n = 0 if self.images is None else len(self.images)
        choice = resolve(state, self.model, n)
        self._set_controls(choice, n)
        self._draw_image_maps(choice)
        self._draw_filter(choice)

    def _set_controls(self, choice, n):
        c = self.controls
        c.source.setCurrentIndex(int(choice.drawn))
        for widget in (c.canvas, c.clear_button):
            widget.setVisible(choice.drawn)
        c.image_index.setEnabled(not choice.drawn and n > 0)
        names = ["The prediction"] + list(self.class_names)
        if [c.class_choice.itemText(i) for i in range(c.class_choice.count())] != names:
            c.class_choice.clear()
            c.class_choice.addItems(names)
        c.class_choice.setCurrentIndex(0 if choice.class_index is None else choice.class_index + 1)
        layers = conv_layers(self.model)
        if [c.layer.itemText(i) for i in range(c.layer.count())] != layers:
            c.layer.clear()
            c.layer.addItems(layers)
        c.layer.setCurrentIndex(layers.index(choice.layer) if choice.layer else -1)
        filters = 0
        if choice.layer is not None:
            filters = next(lay.filters for lay in self.model.layers if lay.name == choice.layer)
        for box, value in ((c.occlusion_size, choice.occlusion_size),
                           (c.occlusion_stride, choice.occlusion_stride),
                           (c.occlusion_fill, choice.occlusion_fill), (c.steps, choice.steps),
                           (c.learning_rate, choice.learning_rate), (c.jitter, choice.jitter),
                           (c.blur, choice.blur)):
            box.setValue(value)
        # setRange clamps the value, and the clamp would come back as an edit of the user's
        # (one undo step per model change): the ranges follow the model, not the user
        with QSignalBlocker(c.image_index), QSignalBlocker(c.channel):
            c.image_index.setRange(0, max(n - 1, 0))
            c.image_index.setValue(choice.image_index)
            c.channel.setRange(0, max(filters - 1, 0))
            c.channel.setValue(choice.channel)
        c.channel.setEnabled(filters > 0)
        c.grow_button.setEnabled(filters > 0)

    def _image(self, choice):
        """The image to explain (H, W, C) and a line naming it, or (None, why not)."""
        if choice.drawn:
            try:
                image = fit_images(self.controls.canvas.image()[None], self.model.input_shape)[0]
            except ValueError as exc:
                return None, f"The drawing does not fit this model: {exc}."
            return image, "your drawing"
        if self.images is None:
            return None, "No test images to explain."
        i = choice.image_index
        set_text(self.controls.image_label, f"of {len(self.images):,}, label "
                                            f"{self.class_names[int(self.labels[i])]}")
        return self.images[i], f"test image {i}"

    def _draw_image_maps(self, choice):
        key = (id(self.model), choice.drawn, self._drawing if choice.drawn else choice.image_index,
               choice.class_index, choice.occlusion_size, choice.occlusion_stride,
               choice.occlusion_fill)
        if key == self._image_key:
            return
        self._image_key = key
        image, name = self._image(choice)
        if image is None:
            self.maps_title.setText(name)
            return
        e = self.image_explanation = explain_image(self.model, image, choice)
        self._set_cam_panels([layer for layer, _ in e.cams])
        cls = self.class_names[e.class_index]
        which = "the prediction" if choice.class_index is None else "the class chosen"
        self.maps_title.setText(f"Why {cls}? ({which} for {name}: probability "
                                f"{e.probabilities[e.class_index]:.1%})")
        pred = self.class_names[e.predicted]
        self.controls.prediction.setText(f"The model says {pred} "
                                         f"({e.probabilities[e.predicted]:.1%}).")
        self.saliency.show_map(e.image, e.saliency, describe("saliency"))
        self.times_input.show_map(e.image, e.times_input, describe("times_input"))
        for (_, panel), (layer, cam) in zip(self.cams, e.cams):
            panel.show_map(e.image, cam, describe("grad_cam" if cam.max() > 0 else "no_cam",
                                                  layer=layer))
        self.occlusion.show_map(e.image, e.occlusion,
                                describe("occlusion", size=min(choice.occlusion_size,
                                                              *self.model.input_shape[:2])))

    def _set_cam_panels(self, layers):
        """One Grad-CAM panel per conv layer, between gradient × input and occlusion."""
        if [layer for layer, _ in self.cams] == layers:
            return
        for _, panel in self.cams:
            for widget in panel.widgets:
                self.maps.removeWidget(widget)
                widget.deleteLater()
        self.cams = [(layer, OverlayPanel(f"Grad-CAM {layer}")) for layer in layers]
        self._place_panels()

    def _place_panels(self):
        panels = [self.saliency, self.times_input, *[p for _, p in self.cams], self.occlusion]
        for column, panel in enumerate(panels):
            panel.place(self.maps, column)
            self.maps.setColumnStretch(column, 1)
        for column in range(len(panels), self.maps.columnCount()):
            self.maps.setColumnStretch(column, 0)

    def _draw_filter(self, choice):
        key = (id(self.model), choice.layer, choice.channel)
        grow_key = key + (choice.steps, choice.learning_rate, choice.jitter, choice.blur)
        if grow_key != self._grow_key:
            self._grow_key = grow_key
            self.stop_growing()
            self.grown.clear()
            self.controls.progress.setValue(0)
            self.grown.status.setText("Press Grow to grow an image that excites this filter.")
        if key == self._filter_key:
            return
        self._filter_key = key
        if choice.layer is None:
            self.filter_title.setText("This model has no convolution layer: no filters to show.")
            self.weights.clear()
            self.top.show_images([], [])
            return
        self.filter_title.setText(f"What does filter {choice.channel} of {choice.layer} look for?")
        self.weights.reset_level()
        if self.images is not None and choice.layer not in self._peaks:
            self._peaks[choice.layer] = layer_peaks(self.model, choice.layer, self.images)
        f = self.filter_explanation = explain_filter(self.model, self.images,
                                                     self._peaks.get(choice.layer), choice)
        self.top.show_images(f.top_images, f.patches)
        if f.patches:
            top, left, bottom, right = f.patches[0]
            self.top_caption.setText(f"Outlined: the {bottom - top}×{right - left} patch the "
                                     "filter's strongest position sees.")
        weights = f.weights
        self.weights.set_filters(weights)
        self.weights.set_title(f"{len(weights)} input channel{'s' * (len(weights) != 1)}, "
                               f"{weights.shape[1]}×{weights.shape[2]}")

    def _on_drawn(self):
        self._drawing += 1
        if self.state.drawn and self.model is not None:
            self._draw_image_maps(resolve(self.state, self.model, 0 if self.images is None
                                          else len(self.images)))

    # -- growing ---------------------------------------------------------------------------
    @property
    def growing(self):
        return self.grow.running

    def _on_grow_clicked(self):
        if self.growing:
            self.stop_growing()
        else:
            self.start_growing()

    def start_growing(self):
        """Grow an image for the chosen filter in a worker thread (one at a time)."""
        choice = None if self.model is None else resolve(self.state, self.model, 0)
        if choice is None or choice.layer is None:
            return
        self.controls.progress.setRange(0, choice.steps)
        self.controls.progress.setValue(0)
        self.controls.set_running(True)
        self.grow.start(self.model, choice)

    def stop_growing(self):
        """Stop the growing image (after its current step); its thread has ended on return."""
        self.grow.stop()

    def _on_grow_step(self, image, activation, done):
        c = self.grow.choice
        self.grown.show_image(image)
        self.controls.progress.setValue(done)
        self.grown.status.setText(f"Filter {c.channel}'s mean activation {activation:.3g} "
                                  f"after {done} of {c.steps} steps.")

    # -- page hooks ------------------------------------------------------------------------
    def showEvent(self, event):  # noqa: N802 (Qt name)
        super().showEvent(event)
        self.use_latest_model()

    def hideEvent(self, event):  # noqa: N802 (Qt name)
        self.stop_growing()      # no work for a page nobody sees (training may need the cores)
        super().hideEvent(event)

    def prepare_screenshot(self, demo_train=0):
        self.use_latest_model(force=True)      # --demo-train trained it on the Training page
        self.edit("Filter", channel=5)
        loop = QEventLoop()
        self.grow.sigStopped.connect(loop.quit)
        self.start_growing()
        if self.growing:
            QTimer.singleShot(60000, loop.quit)
            loop.exec()
        self.grow.sigStopped.disconnect(loop.quit)
        self.stop_growing()

    def can_close(self):
        self.stop_growing()
        return True

