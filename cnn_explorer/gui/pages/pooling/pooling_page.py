"""The pooling page: a window slides over a feature map and keeps one number per window.

The page's state is one ``core.pool_state.PoolState``. A control's change becomes
``self.edit(text, **fields)`` (a new state on the undo stack); ``render(state)`` sets the controls
that do not show it yet, then ``recompute`` asks ``core.pool_state.pool_plan`` for the plan and
draws the padded input with the window and the winner, the formula, the output filling in, the
size panel and the one-pixel shift comparison.
"""

from dataclasses import replace
from functools import partial

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QSpinBox, QWidget

from cnn_explorer.core.pool_state import (PoolState, pool_plan, resized, shift_comparison,
                                          value_bound, weights_change, window_change)
from cnn_explorer.core.samples import POOL_PRESET_NAMES as PRESET_NAMES, pool_preset as preset
from cnn_explorer.gui.pages.pooling.options_panel import KINDS, PoolOptionsPanel
from cnn_explorer.gui.pages.pooling.shift_panel import ShiftPanel
from cnn_explorer.gui.pages.pooling.size_panel import SizePanel
from cnn_explorer.gui.pages.pooling.weights_panel import WeightsPanel
from cnn_explorer.gui.pages.stepping import ExplorerPage
from cnn_explorer.gui.widgets import colours
from cnn_explorer.gui.widgets.first_run_hint import FirstRunHint
from cnn_explorer.gui.widgets.focus_keys import share_keys
from cnn_explorer.gui.widgets.heat_map import HeatMap
from cnn_explorer.gui.widgets.matrix_editor import MatrixEditor
from cnn_explorer.gui.widgets.panel import combo, section, wrapped

LESSON = ("To know there is an edge, one of its large values is enough. Pooling keeps one number "
          "per window: the map shrinks, the exact position is lost, and a feature that moves a "
          "little often gives the same pooled output (try the shift).")
HINT = ("<b>Press Play or →</b> to slide the window over the input and fill the output; then "
        "tick <b>Shift the input</b> below to see what a one-pixel move does to it.")
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
        self.state = PoolState()
        # at the top of the (scrolling) controls: what to do first, without taking the grids' height
        self.hint = FirstRunHint("pooling", HINT)
        self.frame.controls.addWidget(self.hint)
        self._build_controls()
        self._build_views()
        self._connect()
        self.render(self.state)
        share_keys(self)

    # -- set-up ----------------------------------------------------------------------------
    def _build_controls(self):
        box, form = section("Input", "input")
        self.source = combo([("Grid: type or load a preset", "grid"),
                             ("Output of the Convolution 2D page", "conv2d")],
                            "Pool your own numbers, or the feature map the Convolution 2D page "
                            "makes right now: conv → ReLU → pool as one pipeline")
        self.presets = combo([("Load a preset…", None), *((name, name) for name in PRESET_NAMES)],
                             "Replace the grid (undo with Ctrl+Z); checkerboard and random use "
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
        self.options = PoolOptionsPanel(lambda: self.state)
        self.weights = WeightsPanel()
        why, why_form = section("Why pool?")
        why_form.addRow(wrapped(LESSON))
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
        # The stepping views get the height; the comparison keeps a readable but bounded band
        # (its wrapped labels lay the column out height-for-width, counted at full height).
        for view in (self.input_view, self.out_view):
            view.setMinimumHeight(200)
        self.shift_panel.setMaximumHeight(290)
        self.frame.views.addLayout(top, 1)
        self.frame.views.addWidget(self.size_panel)
        self.frame.views.addWidget(self.shift_panel)
        self.frame.views.addWidget(legend())

    def _connect(self):
        self.source.currentIndexChanged.connect(
            lambda: self._edit(f"Source: {self.source.currentText()}",
                               source=self.source.currentData()))
        self.presets.activated.connect(self._on_preset_chosen)
        self.relu.toggled.connect(
            lambda on: self._edit(f"ReLU first: {'on' if on else 'off'}", relu=on))
        self.rows.valueChanged.connect(lambda n: self._resize_grid((n, self.state.grid.shape[1])))
        self.cols.valueChanged.connect(lambda n: self._resize_grid((self.state.grid.shape[0], n)))
        self.editor.sigEdited.connect(
            lambda old, new: self._edit("Edit input cell", grid=new, source="grid"))
        self.editor.sigPasted.connect(
            lambda old, new: self._edit("Paste input", grid=new, source="grid"))
        self.editor.sigRejected.connect(lambda reason: self.show_message(f"Input: {reason}"))
        self.options.sigEdited.connect(self._on_options_edited)
        self.weights.sigEdited.connect(
            lambda old, new: self._edit("Edit pooling weights", **weights_change(self.state, new)))
        self.weights.sigRejected.connect(lambda reason: self.show_message(f"Weights: {reason}"))
        self.shift_panel.sigEdited.connect(self._on_shift_edited)
        self.input_view.sigCellHovered.connect(self._on_input_hovered)
        self.out_view.sigCellHovered.connect(self._on_output_hovered)
        for i, kind in enumerate(KINDS):
            shortcut = QShortcut(QKeySequence(f"Alt+{i + 1}"), self)
            shortcut.setContext(Qt.WidgetWithChildrenShortcut)
            shortcut.activated.connect(partial(self.options.set_kind, kind))
        self.options.kind.setToolTip("What each window is reduced to: Alt+1 max … Alt+6 global "
                                     "average")
        self.stepper.sigPlayingChanged.connect(lambda playing: playing and self.hint.dismiss())
        self.stepper.forward_button.clicked.connect(self.hint.dismiss)

    # -- edits -----------------------------------------------------------------------------
    def _edit(self, text, **changes):
        try:
            self.edit(text, **changes)
        except ValueError as error:          # the state refused a value: it stays as it was
            self.show_message(str(error))

    def _resize_grid(self, shape):
        self._edit(f"Resize input to {shape[0]} × {shape[1]}",
                   grid=resized(self.state.grid, shape))

    def _on_preset_chosen(self, index):
        name = self.presets.itemData(index)
        self.presets.setCurrentIndex(0)
        if name is not None:
            self._edit(f"Load {name}", grid=preset(name, self.state.grid.shape, self._rng),
                       source="grid")

    def _on_options_edited(self, changes):
        if "size" in changes:    # a window of another shape brings weights of its shape
            changes = {**changes, **window_change(self.state, changes["size"])}
        self._edit("Pooling options", **changes)

    def _on_shift_edited(self, changes):
        if "shift" in changes:
            text = f"Shift: {'on' if changes['shift'] else 'off'}"
        else:
            text = f"Shift direction: {changes['direction']}"
        self._edit(text, **changes)

    def set_conv_output(self, array) -> None:
        """Take the Convolution 2D page's current output (the main window calls this)."""
        state = replace(self.state, conv_output=None if array is None else np.atleast_2d(array))
        if state.source == "conv2d":
            super().apply_state(state)
        else:                   # nothing on screen comes from it but its description
            self.state = state
            self._show_conv_info(state)

    def apply_state(self, state) -> None:
        # Undo and redo bring back what the student chose here, never an old output of the
        # Convolution 2D page: that output is the other page's, as it is now.
        super().apply_state(replace(state, conv_output=self.state.conv_output))

    # -- drawing the state -----------------------------------------------------------------
    def render(self, state) -> None:
        """Set the controls that do not show ``state`` yet, then plan and draw it.

        Setting a control emits its signal; the edit it makes equals ``state`` and is dropped
        by ``Page.edit``, so no control needs its signals blocked.
        """
        self.source.setCurrentIndex(self.source.findData(state.source))
        self.relu.setChecked(state.relu)
        self.rows.setValue(state.grid.shape[0])
        self.cols.setValue(state.grid.shape[1])
        if not np.array_equal(self.editor.values(), state.grid):
            self.editor.set_values(state.grid)
        grid = state.source == "grid"
        for w in (self.presets, self._size_row, self.editor):
            self._input_form.setRowVisible(w, grid)
        self._input_form.setRowVisible(self.conv_info, not grid)
        self._show_conv_info(state)
        self.options.show_state(state)
        self.weights.setVisible(state.kind == "weighted")
        self.weights.show_weights(state.weights)
        self.shift_panel.show_state(state.shift, state.direction)
        self.recompute()

    def _show_conv_info(self, state):
        if state.conv_output is None:
            text = "No output from the Convolution 2D page yet."
        else:
            h, w = state.conv_output.shape
            low, high = state.conv_output.min(), state.conv_output.max()
            text = (f"The Convolution 2D output: {h} × {w}\nvalues from {low:.3g} to {high:.3g}\n"
                    "It follows that page's input and kernel.")
        self.conv_info.setText(text)

    # -- ExplorerPage hooks ----------------------------------------------------------------
    def make_plan(self):
        return pool_plan(self.state)

    def output_view(self):
        return self.out_view

    def output_levels(self):
        bound = value_bound(self.state)
        return (-bound, bound)

    def show_plan(self, plan) -> None:
        state, levels = self.state, self.output_levels()
        self.input_view.set_data(plan.padded, levels=levels, dim_mask=plan.is_pad)
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
        shifted = f", shifted {state.direction} by one pixel" if state.shift else ""
        self.input_view.set_title(f"Input {h} × {w}{padded}{shifted}")
        self.out_view.set_title(f"Output {plan.output_shape[0]} × {plan.output_shape[1]}")
        self.size_panel.show_plan(plan, state)
        self.shift_panel.show_comparison(shift_comparison(state), levels)
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
        self._edit("Shift: on", shift=True)
        if self.plan is not None:
            self.stepper.set_step(self.plan.n_steps // 2)
