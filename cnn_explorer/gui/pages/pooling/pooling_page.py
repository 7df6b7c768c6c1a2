"""The pooling page: a window slides over a feature map and keeps one number per window.

Input (typed, a preset, or the Convolution 2D page's output through an optional ReLU) → one
``core.steps.PoolPlan`` → the padded input with the window and the winner, the formula, the
output filling in, the size panel and the one-pixel shift comparison.
"""

from dataclasses import replace
from functools import partial

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QSpinBox, QWidget

from cnn_explorer.core import ops, steps
from cnn_explorer.core.kernels import gaussian_weights
from cnn_explorer.gui.pages.stepping import ExplorerPage
from cnn_explorer.core.samples import POOL_PRESET_NAMES as PRESET_NAMES, guide_feature_map, pool_preset as preset
from cnn_explorer.gui.pages.pooling.options_panel import KINDS, PoolOptionsPanel
from cnn_explorer.core.shift import compare_shift, shift_by_one
from cnn_explorer.gui.pages.pooling.shift_panel import ShiftPanel
from cnn_explorer.gui.pages.pooling.size_panel import SizePanel
from cnn_explorer.gui.pages.pooling.weights_panel import WeightsPanel
from cnn_explorer.gui.widgets import colours
from cnn_explorer.gui.widgets.focus_keys import share_keys
from cnn_explorer.gui.widgets.heat_map import HeatMap
from cnn_explorer.gui.widgets.matrix_editor import MatrixEditor
from cnn_explorer.gui.widgets.panel import section

LESSON = ("To know there is an edge, one of its large values is enough. Pooling keeps one number "
          "per window: the map shrinks, the exact position is lost, and a feature that moves a "
          "little often gives the same pooled output (try the shift).")
SOURCE_GRID, SOURCE_CONV = "grid", "conv2d"
MAX_GRID = 16
MAX_OUTLINED_CELLS = 1024   # a bigger window (global pooling of an image) is outlined by its rim
FORMULA_TERMS = 36    # a global pool over a 28×28 map would otherwise write 784 terms


def legend() -> QLabel:
    chips = " ".join(
        f"<span style='color:{colour}'>■</span> {name}"
        for name, colour in (("input", colours.INPUT), ("padding", colours.PADDING),
                             ("pooling window", colours.KERNEL), ("max winner", colours.WINNER),
                             ("output", colours.OUTPUT), ("linked to mouse / changed by the shift",
                                                          colours.HOVER)))
    label = QLabel(chips)
    label.setTextFormat(Qt.RichText)
    return label


def window_cells(step) -> list[tuple[int, int]]:
    """The padded cells to outline for ``step``: all of them, or the rim of a very large window."""
    taps = step.taps.reshape(-1, 2)
    if len(taps) > MAX_OUTLINED_CELLS:
        rows, cols = step.taps.shape[:2]
        rim = np.zeros((rows, cols), bool)
        rim[[0, -1], :] = rim[:, [0, -1]] = True
        taps = step.taps[rim]
    return [tuple(int(v) for v in t) for t in taps]


class PoolingPage(ExplorerPage):
    """Max, average, L2, weighted and global pooling, step by step, with the shift experiment."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rng = np.random.default_rng()
        self._grid = guide_feature_map()
        self._conv_output = None
        self._source = SOURCE_GRID
        self._levels = (-1.0, 1.0)
        self._build_controls()
        self._build_views()
        self._connect()
        self._show_grid(self._grid)
        self.recompute()
        share_keys(self)

    # -- set-up ----------------------------------------------------------------------------
    def _build_controls(self):
        box, form = section("Input", "input")
        self.source = QComboBox()
        self.source.addItem("Grid: type or load a preset", SOURCE_GRID)
        self.source.addItem("Output of the Convolution 2D page", SOURCE_CONV)
        self.source.setToolTip("Pool your own numbers, or the feature map the Convolution 2D page "
                               "makes right now: conv → ReLU → pool as one pipeline")
        self.presets = QComboBox()
        self.presets.addItem("Load a preset…", None)
        for name in PRESET_NAMES:
            self.presets.addItem(name, name)
        self.presets.setToolTip("Replace the grid (undo with Ctrl+Z); checkerboard and random use "
                                "the rows × columns below")
        self.relu = QCheckBox("&ReLU first: max(0, x)")
        self.relu.setToolTip("Zero the negative values before pooling, as a convnet does (Alt+R)")
        self.rows = QSpinBox()
        self.cols = QSpinBox()
        for spin, what in ((self.rows, "rows"), (self.cols, "columns")):
            spin.setRange(1, MAX_GRID)
            spin.setKeyboardTracking(False)   # typing "12" must not first crop the grid to 1 row
            spin.setToolTip(f"Number of {what} of the grid (new cells are 0)")
        size_row = QWidget()
        size_lay = QHBoxLayout(size_row)
        size_lay.setContentsMargins(0, 0, 0, 0)
        for w in (self.rows, QLabel("×"), self.cols):
            size_lay.addWidget(w)
        size_lay.addStretch(1)
        self.editor = MatrixEditor(role="input", cell_width=44)
        self.editor.setToolTip("Type a number in any cell; text, NaN or an empty cell is refused. "
                               "Ctrl+V pastes a whole grid, Ctrl+C copies it")
        self.editor.set_shape_limit(MAX_GRID, MAX_GRID, "the input grid")
        self.conv_info = QLabel()
        # Fixed room for its three lines: a row shown later would otherwise keep a stale height.
        self.conv_info.setMinimumHeight(3 * self.conv_info.fontMetrics().lineSpacing() + 4)
        self.conv_info.setObjectName("convInfo")
        form.addRow("S&ource", self.source)
        form.addRow("Pre&set", self.presets)   # Alt+E and Alt+H are the menus'
        form.addRow("Si&ze", size_row)
        form.addRow(self.relu)
        form.addRow(self.editor)
        form.addRow(self.conv_info)
        self._input_form, self._size_row = form, size_row
        form.setRowVisible(self.conv_info, False)
        self.options = PoolOptionsPanel()
        self.weights = WeightsPanel()
        why, why_form = section("Why pool?")
        lesson = QLabel(LESSON)
        lesson.setWordWrap(True)
        why_form.addRow(lesson)
        for w in (box, self.options, self.weights, why):
            self.frame.controls.addWidget(w)
        self.frame.controls.addStretch(1)

    def _build_views(self):
        self.input_view = HeatMap("Input", role="input", diverging=True)
        self.input_view.setToolTip("Hover a cell to see which output cells read it")
        self.out_view = HeatMap("Output", role="output", diverging=True)
        self.out_view.setToolTip("Hover a cell to see its window in the input")
        top = QHBoxLayout()
        top.addWidget(self.input_view, 3)
        top.addWidget(self.out_view, 2)
        self.size_panel = SizePanel()
        self.shift_panel = ShiftPanel()
        # The stepping views get the height; the comparison keeps a readable but bounded band.
        # 200, not 300: the band's wrapped labels make the column lay out height-for-width, which
        # counts the band at its full 290 pixels, and in a 705-pixel-high window 300-pixel grids
        # were squeezed to 246 and drawn over the Size panel
        for view in (self.input_view, self.out_view):
            view.setMinimumHeight(200)
        self.shift_panel.setMaximumHeight(290)
        self.frame.views.addLayout(top, 1)
        self.frame.views.addWidget(self.size_panel)
        self.frame.views.addWidget(self.shift_panel)
        self.frame.views.addWidget(legend())

    def _connect(self):
        self.source.currentIndexChanged.connect(self._on_source_changed)
        self.presets.activated.connect(self._on_preset_chosen)
        self.relu.toggled.connect(self._on_relu_toggled)
        self.rows.valueChanged.connect(self._on_grid_size_changed)
        self.cols.valueChanged.connect(self._on_grid_size_changed)
        self.editor.sigEdited.connect(lambda old, new: self.push_edit("Edit input cell",
                                                                      self._set_grid, old, new))
        self.editor.sigPasted.connect(lambda old, new: self.push_edit("Paste input", self._set_grid,
                                                                      old, new))
        self.editor.sigRejected.connect(lambda reason: self.show_message(f"Input: {reason}"))
        self.options.sigChanged.connect(self._on_options_changed)
        self.weights.sigEdited.connect(lambda old, new: self.push_edit("Edit pooling weights",
                                                                       self._set_weights, old, new))
        self.weights.sigRejected.connect(lambda reason: self.show_message(f"Weights: {reason}"))
        self._shift_state = (self.shift_panel.is_on(), self.shift_panel.direction_key())
        self.shift_panel.sigChanged.connect(self._on_shift_changed)
        self.input_view.sigCellHovered.connect(self._on_input_hovered)
        self.out_view.sigCellHovered.connect(self._on_output_hovered)
        for i, kind in enumerate(KINDS):
            shortcut = QShortcut(QKeySequence(f"Alt+{i + 1}"), self)
            shortcut.setContext(Qt.WidgetWithChildrenShortcut)
            shortcut.activated.connect(partial(self.options.set_kind, kind))
        self.options.kind.setToolTip("What each window is reduced to: Alt+1 max … Alt+6 global "
                                     "average")
        self._pool_state = (self.options.options(), self.weights.values())
        self._on_options_changed(self._pool_state[0])

    # -- the input -------------------------------------------------------------------------
    def source_key(self) -> str:
        return self.source.currentData()

    def set_conv_output(self, array) -> None:
        """Remember the Convolution 2D page's current output (the main window calls this)."""
        self._conv_output = None if array is None else np.atleast_2d(np.array(array, dtype=float))
        if self.source_key() == SOURCE_CONV:
            self._show_conv_info()
            self.recompute()

    def pipeline_input(self, shifted: bool = True) -> np.ndarray:
        """The array pooled: grid or conv output, then ReLU, then the shift if it is on."""
        if self.source_key() == SOURCE_CONV:
            if self._conv_output is None:
                raise ValueError("The Convolution 2D page has no output yet: open it and choose an "
                                 "input and a kernel, or pool the grid instead.")
            x = self._conv_output
        else:
            x = self._grid
        if self.relu.isChecked():
            x = np.maximum(x, 0.0)
        if shifted and self.shift_panel.is_on():
            x = shift_by_one(x, self.shift_panel.direction_key())
        return x

    def _set_grid(self, values):
        """Apply a grid edit (also on undo/redo): show it, and pool the grid."""
        self._grid = np.array(values, dtype=float)
        self._show_grid(self._grid)
        if self.source_key() != SOURCE_GRID:
            self._show_source(SOURCE_GRID)
        self.recompute()

    def _show_grid(self, values):
        self.editor.set_values(values)
        for spin, n in ((self.rows, values.shape[0]), (self.cols, values.shape[1])):
            spin.blockSignals(True)
            spin.setValue(n)
            spin.blockSignals(False)

    def _on_grid_size_changed(self, *_):
        shape = (self.rows.value(), self.cols.value())
        old = self._grid
        if shape == old.shape:
            return
        new = np.zeros(shape)
        r, c = min(shape[0], old.shape[0]), min(shape[1], old.shape[1])
        new[:r, :c] = old[:r, :c]
        self.push_edit(f"Resize input to {shape[0]} × {shape[1]}", self._set_grid, old, new)

    def _on_preset_chosen(self, index):
        name = self.presets.itemData(index)
        self.presets.setCurrentIndex(0)
        if name is None:
            return
        shape = (self.rows.value(), self.cols.value())
        self.push_edit(f"Load {name}", self._set_grid, self._grid, preset(name, shape, self._rng))

    # undoable like the options: Ctrl+Z after ticking ReLU or the shift, or picking the conv
    # output, used to undo the grid edit before it and leave the change on
    def _on_source_changed(self, *_):
        old, new = self._source, self.source_key()
        self.push_edit(f"Source: {self.source.currentText()}", self._set_source, old, new)

    def _set_source(self, key):
        self._show_source(key)
        self.recompute()

    def _show_source(self, key):
        self._source = key
        self.source.blockSignals(True)
        self.source.setCurrentIndex(self.source.findData(key))
        self.source.blockSignals(False)
        self._sync_source_widgets()

    def _on_shift_changed(self, on, direction):
        old = self._shift_state
        self.push_edit(f"Shift: {'on, ' + direction if on else 'off'}", self._set_shift, old,
                       (on, direction))

    def _set_shift(self, state):
        self._shift_state = state
        self.shift_panel.set_state(*state)
        self.recompute()

    def _on_relu_toggled(self, on):
        self.push_edit(f"ReLU first: {'on' if on else 'off'}", self._set_relu, not on, on)

    def _set_relu(self, on):
        self.relu.blockSignals(True)
        self.relu.setChecked(on)
        self.relu.blockSignals(False)
        self.recompute()

    def _sync_source_widgets(self):
        grid = self.source_key() == SOURCE_GRID
        for w in (self.presets, self._size_row, self.editor):
            self._input_form.setRowVisible(w, grid)
        self._input_form.setRowVisible(self.conv_info, not grid)
        self._show_conv_info()

    def _show_conv_info(self):
        if self._conv_output is None:
            text = "No output from the Convolution 2D page yet."
        else:
            h, w = self._conv_output.shape
            low, high = self._conv_output.min(), self._conv_output.max()
            text = (f"The Convolution 2D output: {h} × {w}\nvalues from {low:.3g} to {high:.3g}\n"
                    "It follows that page's input and kernel.")
        self.conv_info.setText(text)

    # -- options ---------------------------------------------------------------------------
    def _on_options_changed(self, options):
        if options == self._pool_state[0]:        # shown by _set_pool_state: draw it
            self.weights.setVisible(options.kind == "weighted")
            self.weights.fit_to(options.size)
            self.recompute()
            return
        # undoable like the data: Ctrl+Z after a window change used to undo the edit before it;
        # the weights go with it, as a new window size replaces them
        weights = self.weights.values()
        if weights.shape != options.size:
            weights = gaussian_weights(options.size)
        self.push_edit("Pooling options", self._set_pool_state, self._pool_state,
                       (options, weights))

    def _set_pool_state(self, state):
        """``(options, weights)``: show both and recompute (also on undo/redo)."""
        self._pool_state = state
        options, weights = state
        self.weights.set_values(weights)
        if self.options.options() != options:
            self.options.set_options(options)     # emits: _on_options_changed draws it
        else:
            self._on_options_changed(options)

    def _set_weights(self, values):
        """Apply a weights edit (also on undo/redo); the window takes the weights' shape."""
        values = np.asarray(values, dtype=float)
        self.weights.set_values(values)
        options = self.options.options()
        if values.shape != options.size:
            options = replace(options, size=values.shape)
            self._pool_state = (options, values)
            self.options.set_options(options)
        else:
            self._pool_state = (options, values)
            self.recompute()

    # -- ExplorerPage hooks ----------------------------------------------------------------
    def make_plan(self):
        options = self.options.options()
        weights = self.weights.values() if options.kind == "weighted" else None
        return steps.pool2d_plan(self.pipeline_input(), options.size, weights=weights,
                                 **options.plan_kwargs())

    def output_view(self):
        return self.out_view

    def output_levels(self):
        return self._levels

    def show_plan(self, plan) -> None:
        options = self.options.options()
        finite = plan.padded[np.isfinite(plan.padded)]
        self._levels = colours.levels_for(np.concatenate([finite, np.ravel(plan.output)]),
                                          diverging=True)
        self.input_view.set_data(plan.padded, levels=self._levels, dim_mask=plan.is_pad)
        self.input_view.set_padding(plan.pads)
        self.input_view.set_hover([])
        self.out_view.set_hover([])
        h, w = plan.x.shape
        (top, bottom), (left, right) = plan.pads
        padded = "" if plan.padded.shape == plan.x.shape else (
            f" + padding {top},{bottom} (top, bottom), {left},{right} (left, right) = "
            f"{plan.padded.shape[0]} × {plan.padded.shape[1]}")
        if any(b != a for b, a in plan.pads):
            padded += " (ceil mode's last windows reach the extra pad cells)"
        shifted = ""
        if self.shift_panel.is_on():
            shifted = f", shifted {self.shift_panel.direction_key()} by one pixel"
        self.input_view.set_title(f"Input {h} × {w}{padded}{shifted}")
        self.out_view.set_title(f"Output {plan.output_shape[0]} × {plan.output_shape[1]}")
        self.size_panel.show_plan(plan, options)
        comparison = None
        if self.shift_panel.is_on():
            pool = partial(ops.pool2d, size=options.size, weights=plan.weights,
                           **options.plan_kwargs())
            comparison = compare_shift(self.pipeline_input(shifted=False),
                                       self.shift_panel.direction_key(), pool)
        self.shift_panel.show_comparison(comparison)

    def show_step(self, step) -> None:
        self.input_view.set_window(window_cells(step))
        self.input_view.set_winner(step.winner)
        self.out_view.set_window([step.index])
        where = ""
        if step.winner is not None:
            (top, _), (left, _) = self.plan.pads
            where = (f"   — the winner (red) is input row {step.winner[0] - top}, "
                     f"column {step.winner[1] - left}")
        i, j = step.index
        digits = 4 if step.kind == "weighted" else 3   # Gaussian weights like 0.0625 stay exact
        formula = step.formula(digits, max_terms=FORMULA_TERMS)
        self.formula.setText(f"<b>Output[{i}, {j}]</b> = {formula}{where}")

    # -- hover -----------------------------------------------------------------------------
    def _on_input_hovered(self, r, c):
        if self.plan is None or r < 0:
            self.out_view.set_hover([])
            return
        ow = self.plan.output_shape[1]
        self.out_view.set_hover([divmod(n, ow) for n in self.plan.windows_for((r, c))])

    def _on_output_hovered(self, r, c):
        if self.plan is None or r < 0:
            self.input_view.set_hover([])
            return
        self.input_view.set_hover(window_cells(self.plan.step(r * self.plan.output_shape[1] + c)))

    # -- Page ------------------------------------------------------------------------------
    def prepare_screenshot(self, demo_train: int = 0) -> None:
        self.shift_panel.toggle.setChecked(True)
        if self.plan is not None:
            self.stepper.set_step(self.plan.n_steps // 2)
