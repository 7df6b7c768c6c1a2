"""Inside your trained layer: one filter of a conv layer of the Training page's model, on a test
image: the layer's input maps, the filter's slices, the per-channel partial maps, their sum +
bias, the ReLU and the pooling after it. Click an output cell to step its computation."""

import numpy as np
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QPushButton, QVBoxLayout

from cnn_explorer.core.formulas import number
from cnn_explorer.gui.pages.channels.slice_views import (ColourImage, MapRow, ModeView, filled,
                                                         signed, window_cells)
from cnn_explorer.gui.widgets import colours
from cnn_explorer.gui.widgets.heat_map import HeatMap
from cnn_explorer.gui.widgets.panel import section, set_text, spin
from cnn_explorer.nn.inside import conv_layers, look_inside

#: Input channels shown side by side (a layer may have 32 or more; the rest are a spin away).
SHOWN_CHANNELS = 6
NO_MODEL = ("No model yet: build one on the Training page (Model page ▸ Training), train it a "
            "little, then come back and press “Look again”.")


def training_source(widget):
    """``(model, test images)`` the Training page published (the window's ``shared_model``), or
    ``(None, None)``: the GUI thread's copy of its model, never the one a worker trains."""
    shared = getattr(widget.window(), "shared_model", None)
    if shared is None or shared.model is None:
        return None, None
    return shared.model, None if shared.dataset is None else shared.dataset.x_test


class InsideView(ModeView):
    """Controls on the left; the layer's maps on the right."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.state = self.view = None
        self.model = self.images = None
        controls, column = self.control_column()
        box, form = section("Your trained model", "kernel")
        self.status = QLabel(NO_MODEL)
        self.status.setWordWrap(True)
        self.refresh_button = QPushButton("Look again")
        self.refresh_button.setToolTip("Read the Training page's model and test images again "
                                       "(its weights change as it trains)")
        self.layer = QComboBox()
        self.layer.setToolTip("Any convolution layer of the model")
        self.filter = spin(1, 1, 1, "Which of the layer's filters")
        self.image = spin(1, 1, 1, "Which test image goes through the model")
        self.channel = spin(1, 1, 1, f"The first of the {SHOWN_CHANNELS} input maps shown")
        form.addRow(self.status)
        form.addRow(self.refresh_button)
        form.addRow("Layer", self.layer)
        form.addRow("Filter", self.filter)
        form.addRow("Test image", self.image)
        form.addRow("Maps from", self.channel)
        column.addWidget(box)
        self.picture = ColourImage("Test image")
        self.picture.setMinimumHeight(120)
        column.addWidget(self.picture, 1)

        self.inputs = MapRow("input", per_row=SHOWN_CHANNELS)
        self.slices = MapRow("kernel", diverging=True, per_row=SHOWN_CHANNELS)
        self.partials = MapRow("output", diverging=True, per_row=SHOWN_CHANNELS)
        self.summed = HeatMap("Sum + bias", "output", diverging=True)
        self.activated = HeatMap("ReLU", "output", diverging=True)
        self.pooled = HeatMap("Pooled", "output", diverging=True)
        grid = QGridLayout()
        grid.setSpacing(4)
        for r, (label, widget) in enumerate((("Input maps", self.inputs),
                                             ("× filter slices", self.slices),
                                             ("= partial maps", self.partials))):
            title = QLabel(label)
            title.setStyleSheet(f"color: {colours.ROLE_COLOURS[('input', 'kernel', 'output')[r]]};"
                                " font-weight: bold;")
            grid.addWidget(title, 2 * r, 0)
            grid.addWidget(widget, 2 * r + 1, 0)
            grid.setRowStretch(2 * r + 1, 1)
        results = QVBoxLayout()
        for widget in (self.summed, self.activated, self.pooled):
            results.addWidget(widget, 1)
        grid.addLayout(results, 0, 1, 6, 1)
        grid.setColumnStretch(0, 4)
        grid.setColumnStretch(1, 1)
        self.place(controls, grid)

        self.refresh_button.clicked.connect(self.refresh)
        self.layer.activated.connect(lambda _: self._edit(
            f"Layer: {self.layer.currentText()}", inside_layer=self.layer.currentData(),
            inside_filter=0, inside_channel=0))
        self.filter.valueChanged.connect(lambda v: self._edit(f"Filter {v}", inside_filter=v - 1))
        self.image.valueChanged.connect(lambda v: self._edit(f"Test image {v}",
                                                             inside_image=v - 1))
        self.channel.valueChanged.connect(lambda v: self._edit(f"Maps from {v}",
                                                               inside_channel=v - 1))
        self.stepper.sigStepChanged.connect(self._show_step)
        for heat in (self.summed, self.activated):
            heat.sigCellClicked.connect(
                lambda r, c: self.view and self.stepper.set_step(
                    self.view.plan.step_number((r, c, 0))))

    def refresh(self) -> None:
        """Read the Training page's model and test images again and redraw."""
        self.model, self.images = training_source(self)
        if self.state is not None:
            self.render(self.state)

    # -- drawing ---------------------------------------------------------------------------
    def render(self, state) -> None:
        self.state = state
        if self.model is None or self.images is None or not len(self.images):
            set_text(self.status, NO_MODEL)
            return
        convs = conv_layers(self.model)
        if not convs:
            set_text(self.status, "This model has no convolution layer to look inside.")
            return
        try:
            image = self.images[min(state.inside_image, len(self.images) - 1)]
            view = look_inside(self.model, image, state.inside_layer
                               if state.inside_layer in convs else convs[0], state.inside_filter)
        except ValueError as error:
            self.sigMessage.emit(str(error))
            return
        self.sigMessage.emit("")
        restart = self.view is None or self.view.plan.output.shape != view.plan.output.shape
        self.view = view
        layer = self.model.layers[view.layer_index]
        set_text(self.status, f"{self.model.name}: {len(convs)} conv layer(s), input "
                              f"{'×'.join(map(str, self.model.input_shape))}, "
                              f"{len(self.images):,} test images.")
        self._set_controls(convs, layer, state)
        picture = np.asarray(image, dtype=float) / (255.0 if image.dtype == np.uint8 else 1.0)
        self.picture.set_image(picture if picture.ndim == 3 and picture.shape[2] == 3
                               else np.repeat(np.atleast_3d(picture)[..., :1], 3, axis=2))
        self._draw_channels(view, state)
        levels = colours.levels_for(np.asarray(view.summed), diverging=True)
        self.summed.set_title(f"Sum + bias ({number(view.bias)}) of filter {view.filter + 1}")
        self.activated.setVisible(view.activated is not None)
        if view.activated is not None:
            self.activated.set_data(view.activated, levels=levels)
            self.activated.set_title(f"{view.activation} (engine)")
        self.pooled.setVisible(view.pooled is not None)
        if view.pooled is not None:
            self.pooled.set_data(view.pooled, levels=levels)
            self.pooled.set_title(f"{view.pool_name} (engine)")
        self._levels = levels
        if restart or self.stepper.count() != view.plan.n_steps:
            self.stepper.set_count(view.plan.n_steps)
            self.stepper.to_end()       # the whole map first; a click steps one cell
        self._show_step(self.stepper.step())

    def _set_controls(self, convs, layer, state):
        names = [(self.model.layers[i].name, i) for i in convs]
        if [self.layer.itemData(k) for k in range(self.layer.count())] != [i for _, i in names]:
            self.layer.clear()
            for name, i in names:
                self.layer.addItem(name, i)
        self.layer.setCurrentIndex(self.layer.findData(self.view.layer_index))
        channels = self.view.inputs.shape[2]
        for box, top, value in ((self.filter, layer.filters, state.inside_filter + 1),
                                (self.image, len(self.images), state.inside_image + 1),
                                (self.channel, max(1, channels - SHOWN_CHANNELS + 1),
                                 state.inside_channel + 1)):
            if box.maximum() != top:
                box.setMaximum(top)
            if box.value() != min(value, top):
                box.setValue(min(value, top))

    def _draw_channels(self, view, state):
        channels = view.inputs.shape[2]
        first = min(state.inside_channel, max(0, channels - SHOWN_CHANNELS))
        shown = range(first, min(channels, first + SHOWN_CHANNELS))
        self._shown = list(shown)
        partial = view.plan.partial_maps(0)
        for row, arrays, diverging in ((self.inputs, view.plan.plans[0], False),
                                       (self.slices, None, True), (self.partials, None, True)):
            maps = row.show_count(len(shown))
            for heat, c in zip(maps, shown):
                if row is self.inputs:
                    heat.set_data(arrays[c].padded, dim_mask=arrays[c].is_pad)
                    heat.set_padding(arrays[c].pads)
                    heat.set_title(f"map {c + 1}")
                elif row is self.slices:
                    heat.set_data(view.slices[..., c])
                    heat.set_title(f"slice {c + 1}")
                else:
                    heat.set_data(partial[..., c])
                    heat.set_title(f"partial {c + 1}")

    def _show_step(self, n):
        if self.view is None:
            return
        step = self.view.plan.step(n)
        i, j, _ = step.index
        self.summed.set_data(filled(self.view.summed, n), levels=self._levels)
        self.summed.set_window([(i, j)])
        self.activated.set_window([(i, j)])
        for heat, c in zip(self.inputs.maps, self._shown):
            heat.set_window(window_cells(step.slices[c].taps), anchor=tuple(step.slices[c].centre))
        for heat, c in zip(self.partials.maps, self._shown):
            heat.set_window([(i, j)])
        terms = [signed(p) for p in step.partials]
        listing = " + ".join(terms if len(terms) <= 8 else terms[:6] + ["…", terms[-1]])
        engine = float(self.view.summed[i, j])
        relu = "" if self.view.activated is None else \
            f" → {self.view.activation} {number(float(self.view.activated[i, j]))}"
        set_text(self.formula, f"<b>[{i}, {j}]</b> = {listing} (partial sums of "
                               f"{len(terms)} maps) + bias {signed(step.bias)} = "
                               f"<b>{number(step.total)}</b> (engine: {number(engine)}){relu}")
