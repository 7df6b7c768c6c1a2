"""The Channels page's colour view: a photo split into R, G, B planes, a 3×3×3 filter as three
slices, each slice's window, products and partial sum, then partials + bias, then ReLU."""

from pathlib import Path

import numpy as np
from PySide6.QtWidgets import (QComboBox, QDoubleSpinBox, QFileDialog, QGridLayout, QLabel,
                               QPushButton, QVBoxLayout, QWidget)

from cnn_explorer.core import channel_state, channels
from cnn_explorer.core.formulas import number
from cnn_explorer.data import photos
from cnn_explorer.gui import settings as keys
from cnn_explorer.gui.pages.channels.slice_views import (CONTROLS_WIDTH, PLANE_COLOURS,
                                                         ColourImage, MapRow, ModeView,
                                                         SliceEditors, filled, signed,
                                                         window_cells)
from cnn_explorer.gui.pages.base import STEP_BY_STEP_LIMIT
from cnn_explorer.gui.widgets import colours
from cnn_explorer.gui.widgets.heat_map import HeatMap
from cnn_explorer.gui.widgets.panel import button, row, section, set_text, spin

#: Longest side a photo is shrunk to (0: as it is); small ones can be stepped cell by cell.
SIZES = {"12 pixels": 12, "24 pixels": 24, "48 pixels": 48, "96 pixels": 96, "as it is": 0}
IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.bmp *.gif *.ppm *.tif *.tiff *.webp);;All files (*)"
PLANES = ("Red plane", "Green plane", "Blue plane")


def read_photo(source: str, size: int) -> np.ndarray:
    """Pixels 0-1 ``(H, W, 3)`` of a bundled photo or a file, shrunk to ``size`` (0: as it is)."""
    return photos.load_photo(source, size or None) / 255.0


class RgbControls(QWidget):
    """The photo, the filters (which one, its preset, its bias) and the padding and stride."""

    def __init__(self, parent=None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        box, form = section("Colour image", "input")
        self.photo = QComboBox()
        for name, (_, what) in photos.BUNDLED_PHOTOS.items():
            self.photo.addItem(name, name)
            self.photo.setItemData(self.photo.count() - 1, what, 3)   # 3 = Qt.ToolTipRole
        self.photo.setToolTip("A bundled photo (credits in resources/NOTICE)")
        self.open_button = QPushButton("Open image…")
        self.open_button.setToolTip("Any picture file; colour kept (a grey one gets three equal "
                                    "planes)")
        self.photo_size = QComboBox()
        self.photo_size.addItems(list(SIZES))
        self.photo_size.setToolTip("Shrink the photo: small ones can be stepped cell by cell, the "
                                   "full one shows what the filter finds")
        form.addRow("Photo", self.photo)
        form.addRow(self.open_button)
        form.addRow("Size", self.photo_size)
        layout.addWidget(box)

        box, form = section("Filters (3×3×3 each)", "kernel")
        self.filter = QComboBox()
        self.filter.setToolTip("The filter whose slices you edit and step through")
        self.add_button = QPushButton("Add filter")
        self.add_button.setToolTip("One more filter (a copy of the preset chosen below): one more "
                                   "feature map from the same input")
        self.remove_button = button("Remove", "Remove the chosen filter")
        form.addRow("Filter", self.filter)
        form.addRow(row(self.add_button, self.remove_button))
        self.preset = QComboBox()
        self.preset.addItem("(typed)", None)
        for name, (_, what) in channels.RGB_PRESETS.items():
            self.preset.addItem(name, name)
            self.preset.setItemData(self.preset.count() - 1, what, 3)
        self.preset.setToolTip("Put a preset's three slices in the chosen filter")
        form.addRow("Preset", self.preset)
        self.description = QLabel()
        self.description.setWordWrap(True)
        form.addRow(self.description)
        self.bias = QDoubleSpinBox()
        self.bias.setRange(-100, 100)
        self.bias.setDecimals(3)
        self.bias.setSingleStep(0.1)
        self.bias.setKeyboardTracking(False)
        self.bias.setToolTip("Added after the three partial sums")
        form.addRow("Bias", self.bias)
        layout.addWidget(box)

        box, form = section("Options")
        self.padding = QComboBox()
        self.padding.addItems(list(channel_state.PADDINGS))
        self.padding.setToolTip("same: one ring of zeros, the output keeps the image's size; "
                                "valid: no padding")
        self.stride = spin(1, 4, 1, "How far the filter moves between outputs")
        form.addRow("Padding", self.padding)
        form.addRow("Stride", self.stride)
        layout.addWidget(box)
        layout.addStretch(1)

    def show_state(self, state) -> None:
        """Set every control from ``state`` (only those that differ, so no signal loops back)."""
        if state.source not in photos.BUNDLED_PHOTOS:
            # an opened file: its name in the box (the last bundled name stayed there), kept as
            # its last entry so that it can be chosen again
            bundled = len(photos.BUNDLED_PHOTOS)
            if self.photo.count() == bundled:
                self.photo.addItem("")
            name = Path(state.source).name
            self.photo.setItemText(bundled, name)
            self.photo.setItemData(bundled, state.source)
            self.photo.setItemData(bundled, f"The file {state.source}", 3)   # 3 = Qt.ToolTipRole
        if self.photo.currentData() != state.source:
            self.photo.setCurrentIndex(self.photo.findData(state.source))
        size_text = next(t for t, v in SIZES.items() if v == state.size)
        if self.photo_size.currentText() != size_text:
            self.photo_size.setCurrentText(size_text)
        names = [f"Filter {o + 1}" for o in range(state.n_filters)]
        if [self.filter.itemText(i) for i in range(self.filter.count())] != names:
            self.filter.clear()
            self.filter.addItems(names)
        self.filter.setCurrentIndex(state.selected)
        self.remove_button.setEnabled(state.n_filters > 1)
        self.add_button.setEnabled(state.n_filters < channel_state.MAX_FILTERS)
        match = next((n for n, (v, _) in channels.RGB_PRESETS.items()
                      if np.array_equal(v, state.filter_slices())), None)
        self.preset.setCurrentIndex(self.preset.findData(match))
        set_text(self.description, channels.RGB_PRESETS[match][1] if match else
                 "Your own weights: type into the slices.")
        if self.bias.value() != state.bias[state.selected]:
            self.bias.setValue(float(state.bias[state.selected]))
        if self.padding.currentText() != state.padding:
            self.padding.setCurrentText(state.padding)
        if self.stride.value() != state.stride:
            self.stride.setValue(state.stride)


class RgbView(ModeView):
    """Controls on the left; photo, planes, slices, products and feature maps on the right."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.state = None
        self.plans = ()
        self._drawn = {}            # output map -> (plan, levels) it shows
        self._planes_key = None     # (image, pads) the plane maps show
        self._levels = (0.0, 1.0)
        self._step_shown = None     # (plan, step, filter, levels) the views show
        self._relu = None           # the ReLU map's values, the view's own buffer
        self.controls = RgbControls()
        self.controls.setFixedWidth(CONTROLS_WIDTH)
        self.photo_view = ColourImage("Photo")
        # cached: a plane changes with the image only, its window moves at every step
        self.planes = [HeatMap(title, "input") for title in PLANES]
        for heat, colour in zip(self.planes, PLANE_COLOURS):
            heat.title.setStyleSheet(f"color: {colour}; font-weight: bold;")
        self.slices = SliceEditors([f"× {p.split()[0].lower()} slice" for p in PLANES],
                                   list(PLANE_COLOURS))
        self.products = [HeatMap("= products", "output", diverging=True) for _ in PLANES]
        self.sum_label = QLabel()
        self.sum_label.setWordWrap(True)
        self.sum_label.setStyleSheet("font-size: 13px;")
        self.outputs = MapRow("output", diverging=True, per_row=7)

        views = QGridLayout()
        views.setSpacing(4)
        views.addWidget(self.photo_view, 0, 0)
        for c in range(3):
            views.addWidget(self.planes[c], 0, c + 1)
            views.addWidget(self.products[c], 2, c + 1)
        views.addWidget(self.slices, 1, 1, 1, 3)
        views.addWidget(self.sum_label, 1, 0, 2, 1)
        views.addWidget(self.outputs, 3, 0, 1, 4)
        for c in range(4):
            views.setColumnStretch(c, 1)
        # rows share the height 3 : 1 : 2 whatever the maps' own size hints
        for r, (stretch, least) in enumerate(((3, 120), (0, 0), (1, 70), (2, 110))):
            views.setRowStretch(r, stretch)
            views.setRowMinimumHeight(r, least)
        self.place(self.controls, views)
        self._connect()

    def _connect(self):
        c = self.controls
        c.photo.activated.connect(lambda _: self.load(c.photo.currentData(), self.state.size))
        c.open_button.clicked.connect(self._on_open)
        c.photo_size.activated.connect(lambda _: self.load(self.state.source,
                                                     SIZES[c.photo_size.currentText()]))
        c.filter.activated.connect(lambda i: self._edit(f"Filter {i + 1}", selected=i))
        c.add_button.clicked.connect(self._on_add)
        c.remove_button.clicked.connect(self._on_remove)
        c.preset.activated.connect(self._on_preset)
        c.bias.valueChanged.connect(self._on_bias)
        c.padding.activated.connect(lambda _: self._edit(f"Padding: {c.padding.currentText()}",
                                                         padding=c.padding.currentText()))
        c.stride.valueChanged.connect(lambda v: self._edit(f"Stride: {v}", stride=v))
        self.slices.sigEdited.connect(self._on_slice_edited)
        self.slices.sigRejected.connect(self.sigMessage)
        self.stepper.sigStepChanged.connect(self._show_step)
        self.outputs.sigCellClicked.connect(self._on_output_clicked)

    def resizeEvent(self, event):  # noqa: N802 (Qt name)
        super().resizeEvent(event)
        # the planes' size hints outweigh the grid's stretch: cap them so the feature maps below
        # keep room at every window size
        cap = max(120, int(self.height() * 0.38))
        for widget in (self.photo_view, *self.planes):
            widget.setMaximumHeight(cap)

    # -- edits -----------------------------------------------------------------------------
    def load(self, source: str, size: int) -> None:
        """Read ``source`` (a bundled name or a file) at ``size``; an undoable edit."""
        try:
            image = read_photo(source, size)
        except ValueError as error:
            self.sigMessage.emit(str(error))
            return
        name = source if source in photos.BUNDLED_PHOTOS else Path(source).name
        self._edit(f"Image: {name}, {image.shape[1]}×{image.shape[0]}", source=source, size=size,
                   image=image)

    def _on_open(self):
        path, _ = QFileDialog.getOpenFileName(self, "Open an image", keys.last_directory(),
                                              IMAGE_FILTER)
        if path:
            keys.remember_directory(path)
            self.load(path, self.state.size)

    def _on_add(self):
        name = self.controls.preset.currentData() or "per-channel Sobel"
        new = self.state.with_added_filter(channels.RGB_PRESETS[name][0])
        self._edit(f"Add filter {new.n_filters}", weights=new.weights, bias=new.bias,
                   selected=new.selected)

    def _on_remove(self):
        try:
            new = self.state.without_selected_filter()
        except ValueError as error:
            self.sigMessage.emit(str(error))
            return
        self._edit(f"Remove filter {self.state.selected + 1}", weights=new.weights,
                   bias=new.bias, selected=new.selected)

    def _on_preset(self, _):
        name = self.controls.preset.currentData()
        if name is not None:
            new = self.state.with_filter(channels.RGB_PRESETS[name][0])
            self._edit(f"Filter {self.state.selected + 1}: {name}", weights=new.weights)

    def _on_bias(self, value):
        if value != self.state.bias[self.state.selected]:
            self._edit(f"Bias: {number(value)}", ("bias", self.state.selected),
                       bias=self.state.with_bias(value).bias)

    def _on_slice_edited(self, channel, r, c, value):
        new = self.state.with_slice_value(channel, r, c, value)
        self._edit(f"{PLANES[channel].split()[0]} slice [{r}, {c}] = {number(value)}",
                   weights=new.weights)

    def _on_output_clicked(self, k, r, c):
        if k != self.state.selected:
            self._edit(f"Filter {k + 1}", selected=k)
        else:
            self.stepper.set_step(self.plans[k].step_number((r, c, 0)))

    # -- drawing ---------------------------------------------------------------------------
    def render(self, state) -> None:
        """Draw ``state``: recompute only the filters that changed, restart the trace if the
        stepped filter's changed."""
        old_state, old_plans = self.state, self.plans
        self.plans = channel_state.rgb_plans(
            state, None if old_state is None else (old_state, old_plans))
        self.state = state
        self.controls.show_state(state)
        self.slices.set_slices(state.filter_slices())
        plan = self.plans[state.selected]
        first = plan.plans[0][0]
        self.photo_view.set_image(state.image)
        self.photo_view.title.setText(f"Photo {state.image.shape[1]}×{state.image.shape[0]}")
        # a kernel edit leaves the padded planes as they were: don't redraw big images for it
        planes_key = (state.image, first.pads)
        if self._planes_key is None or self._planes_key[0] is not state.image \
                or self._planes_key[1] != first.pads:
            for c, heat in enumerate(self.planes):
                heat.set_data(plan.plans[0][c].padded, levels=(0.0, 1.0), dim_mask=first.is_pad)
                heat.set_padding(first.pads)
            self._planes_key = planes_key
        self._draw_outputs()
        if old_state is None or old_plans[old_state.selected] is not plan:    # a new trace
            self.stepper.set_count(plan.n_steps)
            if plan.n_steps > STEP_BY_STEP_LIMIT:
                self.stepper.to_end()       # draws the last step (sigStepChanged)
        self._show_step(self.stepper.step())

    def _draw_outputs(self):
        state, maps = self.state, self.outputs.show_count(self.state.n_filters + 1)
        levels = colours.levels_for_all([p.output for p in self.plans], diverging=True)
        for o, plan in enumerate(self.plans):
            mark = "▶ " if o == state.selected else ""
            maps[o].set_title(f"{mark}Filter {o + 1} (sum + bias)")
            # a map is redrawn only when its plan (or the colour range) changed
            if o != state.selected and self._drawn.get(o) != (plan, levels):
                maps[o].set_data(plan.output[..., 0], levels=levels)
                self._drawn[o] = (plan, levels)
                maps[o].set_window([])      # the stepped map's window is _show_step's
        self._drawn.pop(state.selected, None)
        output = self.plans[state.selected].output[..., 0]
        if self._relu is None or self._relu.shape != output.shape:
            self._relu = np.empty_like(output)
        # written in place: a fresh 2048×2048 map every edit cost ~3 ms of page faults alone
        relu = np.maximum(output, 0, out=self._relu)
        maps[-1].set_title(f"ReLU of filter {state.selected + 1}")
        maps[-1].set_data(relu, levels=levels)
        self._levels = levels

    def current_step(self):
        return self.plans[self.state.selected].step(self.stepper.step())

    def _show_step(self, n):
        if self.state is None:
            return
        plan = self.plans[self.state.selected]
        # to_end() has just drawn this very step: a 2048×2048 map is not drawn twice
        shown = (plan, n, self.state.selected, self._levels)
        if shown == self._step_shown:
            return
        self._step_shown = shown
        step = plan.step(n)
        i, j, _ = step.index
        out_map = self.outputs.maps[self.state.selected]
        out_map.set_data(filled(plan.output[..., 0], n), levels=self._levels)
        out_map.set_window([(i, j)])
        for c, s in enumerate(step.slices):
            self.planes[c].set_window(window_cells(s.taps), anchor=tuple(s.centre))
            self.products[c].set_data(s.products)
            self.products[c].set_title(f"= products, sum {number(s.value)}")
        parts = " + ".join(f"<span style='color:{PLANE_COLOURS[c]}'>{signed(p)}</span>"
                           for c, p in enumerate(step.partials))
        relu = number(step.relu)
        self.sum_label.setText(
            f"<b>Output [{i}, {j}]</b> of filter {self.state.selected + 1}:<br>"
            f"partial sums {parts}<br>+ bias {signed(step.bias)}<br>= <b>{number(step.total)}"
            f"</b><br>ReLU → <b>{relu}</b>")
        set_text(self.formula, f"<b>[{i}, {j}]</b> = {parts} + {signed(step.bias)} = "
                               f"<b>{number(step.total)}</b> → ReLU {relu}")
