"""The Channels page's 3D view: a small volume as a row of depth slices, a 3×3×3 kernel cube whose
window is marked on every slice it overlaps, and the output volume filling in slice by slice."""

import numpy as np
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout

from cnn_explorer.core import channel_state, conv3d
from cnn_explorer.core.formulas import number
from cnn_explorer.gui.pages.channels.slice_views import (MapRow, ModeView, SliceEditors, filled,
                                                         window_cells)
from cnn_explorer.gui.widgets import colours
from cnn_explorer.gui.widgets.panel import section, set_text, spin

SIZE_RANGE = (3, 10)


class VolumeView(ModeView):
    """Controls (volume, kernel preset, padding) on the left; depth slices on the right."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.state = self.plan = None
        controls, column = self.control_column()
        box, form = section("Volume (depth × rows × columns)", "input")
        self.volume = QComboBox()
        self.volume.addItems(list(conv3d.VOLUMES))
        self.volume.setToolTip("What fills the volume: ones in a cube or a sphere, a ramp along "
                               "depth, or random values")
        self.side = spin(*SIZE_RANGE, 6, "Cells along each side")
        form.addRow("Shape", self.volume)
        form.addRow("Size", self.side)
        column.addWidget(box)
        box, form = section("Kernel cube 3×3×3", "kernel")
        self.preset = QComboBox()
        self.preset.addItem("(typed)", None)
        for name, (_, what) in conv3d.KERNEL_PRESETS.items():
            self.preset.addItem(name, name)
            self.preset.setItemData(self.preset.count() - 1, what, 3)   # 3 = Qt.ToolTipRole
        self.preset.setToolTip("Put a preset kernel cube in the three depth slices")
        form.addRow("Preset", self.preset)
        self.description = QLabel()
        self.description.setWordWrap(True)
        form.addRow(self.description)
        self.slices = SliceEditors(["× kernel depth 0", "× kernel depth 1", "× kernel depth 2"])
        self.padding = QComboBox()
        self.padding.addItems(list(channel_state.PADDINGS))
        self.padding.setToolTip("same: one layer of zeros on every face (output as large as the "
                                "volume); valid: none")
        form.addRow("Padding", self.padding)
        column.addWidget(box)
        column.addStretch(1)

        self.inputs = MapRow("input", per_row=12)
        self.outputs = MapRow("output", diverging=True, per_row=12)
        self.input_title = QLabel()
        self.output_title = QLabel()
        for label, colour in ((self.input_title, colours.INPUT),
                              (self.output_title, colours.OUTPUT)):
            label.setStyleSheet(f"color: {colour}; font-weight: bold;")
        right = QVBoxLayout()
        right.addWidget(self.input_title)
        right.addWidget(self.inputs, 3)
        kernel_row = QHBoxLayout()
        kernel_row.addWidget(self.slices)
        kernel_row.addStretch(1)
        right.addLayout(kernel_row)
        right.addWidget(self.output_title)
        right.addWidget(self.outputs, 3)
        self.place(controls, right)

        self.volume.activated.connect(lambda _: self._new_volume(self.volume.currentText(),
                                                                 self.state.volume.shape[0]))
        self.side.valueChanged.connect(lambda n: self._new_volume(self.state.volume_name, n))
        self.preset.activated.connect(self._on_preset)
        self.padding.activated.connect(lambda _: self._edit(
            f"3D padding: {self.padding.currentText()}", padding3d=self.padding.currentText()))
        self.slices.sigEdited.connect(self._on_slice_edited)
        self.slices.sigRejected.connect(self.sigMessage)
        self.stepper.sigStepChanged.connect(self._show_step)
        self.outputs.sigCellClicked.connect(self._on_output_clicked)

    def _new_volume(self, name, size):
        self._edit(f"Volume: {name} {size}³", volume_name=name, volume=conv3d.volume(name, size))

    def _on_preset(self, _):
        name = self.preset.currentData()
        if name is not None:
            self._edit(f"Kernel cube: {name}", kernel3d=conv3d.KERNEL_PRESETS[name][0])

    def _on_slice_edited(self, depth, r, c, value):
        kernel = np.array(self.state.kernel3d)
        kernel[depth, r, c] = value
        self._edit(f"Kernel cube [{depth}, {r}, {c}] = {number(value)}", kernel3d=kernel)

    def _on_output_clicked(self, d, r, c):
        self.stepper.set_step(self.plan.step_number((d, r, c)))

    # -- drawing ---------------------------------------------------------------------------
    def render(self, state) -> None:
        plan = channel_state.volume_plan(state)
        self.state = state
        if self.volume.currentText() != state.volume_name:
            self.volume.setCurrentText(state.volume_name)
        if self.side.value() != state.volume.shape[0]:
            self.side.setValue(state.volume.shape[0])
        match = next((n for n, (v, _) in conv3d.KERNEL_PRESETS.items()
                      if np.array_equal(v, state.kernel3d)), None)
        self.preset.setCurrentIndex(self.preset.findData(match))
        set_text(self.description, conv3d.KERNEL_PRESETS[match][1] if match else
                 "Your own weights: type into the three depth slices.")
        self.slices.set_slices(np.moveaxis(state.kernel3d, 0, -1))
        if self.padding.currentText() != state.padding3d:
            self.padding.setCurrentText(state.padding3d)
        changed = self.plan is None or not (self.plan.output.shape == plan.output.shape
                                            and np.array_equal(self.plan.padded, plan.padded)
                                            and np.array_equal(self.plan.kernel, plan.kernel))
        self.plan = plan
        levels = (float(plan.padded.min()), max(float(plan.padded.max()), 1e-12))
        for d, heat in enumerate(self.inputs.show_count(plan.padded.shape[0])):
            heat.set_data(plan.padded[d], levels=levels, dim_mask=plan.is_pad[d])
            heat.set_padding(plan.pads[1:])
            real = plan.pads[0][0] <= d < plan.pads[0][0] + plan.x.shape[0]
            heat.set_title(f"depth {d - plan.pads[0][0]}" if real else "pad")
        depth = plan.padded.shape[0]
        set_text(self.input_title, f"Input volume {'×'.join(map(str, plan.x.shape))}: "
                                   f"{depth} depth slices with padding, window in orange")
        set_text(self.output_title, "Output volume {}×{}×{}, filling in slice by slice".format(
            *plan.output_shape))
        self.outputs.show_count(plan.output_shape[0])
        if changed:
            self.stepper.set_count(plan.n_steps)
        self._show_step(self.stepper.step())

    def current_step(self):
        return self.plan.step(self.stepper.step())

    def _show_step(self, n):
        if self.plan is None:
            return
        plan, step = self.plan, self.plan.step(n)
        taps = np.asarray(step.taps).reshape(-1, 3)
        for d, heat in enumerate(self.inputs.maps[:plan.padded.shape[0]]):
            cells = [(int(r), int(c)) for t, r, c in taps if t == d]
            centre = tuple(step.centre[1:]) if step.centre[0] == d else None
            heat.set_window(cells, anchor=centre)
        shown = filled(plan.output, n)
        levels = colours.levels_for(np.asarray(plan.output), diverging=True)
        for d, heat in enumerate(self.outputs.maps[:plan.output_shape[0]]):
            heat.set_data(shown[d], levels=levels)
            heat.set_title(f"depth {d}")
            heat.set_window(window_cells([step.index[1:]]) if step.index[0] == d else [])
        d, i, j = step.index
        set_text(self.formula, f"<b>Output [{d}, {i}, {j}]</b> = {step.formula(max_terms=12)}")
