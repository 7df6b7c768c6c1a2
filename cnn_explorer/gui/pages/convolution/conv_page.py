"""What both convolution pages share: data and kernel panels, options, the state, hover.

The page's state is one ``core.conv_state.ConvState``. A widget's change becomes
``self.edit("…", field=value)``; the new state is checked and its output computed
(``conv_output``) before it goes on the undo stack, and :meth:`ConvExplorerPage.render` draws
everything from it: the output map first, then the step trace (``conv_plan``) and the panels,
setting a widget only where it shows something else.
"""

import dataclasses

import numpy as np
from PySide6.QtWidgets import QLabel

from cnn_explorer.core import kernels
from cnn_explorer.core.conv_state import ConvState, conv_output, conv_plan
from cnn_explorer.core.formulas import number
from cnn_explorer.core.validation import shape_text
from cnn_explorer.gui.pages.base import ExplorerPage
from cnn_explorer.gui.widgets import colours
from cnn_explorer.gui.widgets.colour_bar import ColourBar
from cnn_explorer.gui.widgets.conv_options import OPTION_NAMES, ConvOptions
from cnn_explorer.gui.widgets.first_run_hint import FirstRunHint
from cnn_explorer.gui.widgets.focus_keys import share_keys
from cnn_explorer.gui.widgets.grid_panel import GridPanel
from cnn_explorer.gui.widgets.panel import legend, row, set_text

HINT = ("Press <b>Play</b> (Space) or <b>→</b> to slide the kernel one step; hover an output "
        "cell to see how it was computed.")


def _same(a, b) -> bool:
    if a is b:                  # a 512×512 input stays the same array through kernel edits
        return True
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.shape(a) == np.shape(b) and np.array_equal(a, b)
    return a == b


def _bound(values: np.ndarray) -> float:
    """The largest magnitude in ``values`` (finite), without an array of absolute values."""
    return max(-float(values.min()), float(values.max()))


class ConvExplorerPage(ExplorerPage):
    """The parts both convolution pages share: data and kernel panels, options, centre, hover.

    Subclasses set ``ndim``, the start presets and ``hint_name``, and build
    ``input_map``/``output_map`` in :meth:`build_views`.
    """

    ndim = 2
    data_title = "Input"
    data_presets: dict = {}
    data_size_range = (1, 32)
    start_data = ""
    start_kernel = ""
    start_padding = "same"
    start_anchor = None

    def __init__(self, parent=None):
        super().__init__(parent)
        self._computed = (None, None)       # (state, its output): computed once, by edit()
        self._hovered = None                # the step shown for the output cell under the mouse
        self._levels = (-1.0, 1.0)
        self._data_bound = (None, 0.0)      # (data, its largest magnitude)
        kernel_presets = {p.name: p.values for p in kernels.presets(self.ndim)}
        self.data_panel = GridPanel(self.data_title, "input", self.ndim, self.data_presets,
                                    size_range=self.data_size_range)
        self.kernel_panel = GridPanel(
            "Kernel", "kernel", self.ndim, kernel_presets, size_range=(1, 7),
            descriptions={p.name: p.description for p in kernels.presets(self.ndim)})
        self.kernel_panel.editor.allow_centre()
        self.kernel_panel.editor.setToolTip(
            "Double-click or type to change a value (the centre stays where it is). Ctrl+click "
            "or right-click a cell to make it the centre. Ctrl+V pastes a whole kernel")
        self.centre_label = QLabel()
        self.centre_label.setWordWrap(True)
        self.kernel_panel.form.addRow(self.centre_label)
        self.options = ConvOptions(self.ndim)
        # the kernel and the options first: at 1024×700 they stay above the fold, the data
        # table (often large) scrolls
        for widget in (self.kernel_panel, self.options, self.data_panel):
            self.frame.controls.addWidget(widget)
        self.frame.controls.addStretch(1)
        self.hint = FirstRunHint(f"conv{self.ndim}d", HINT)
        self.frame.top.addWidget(self.hint)
        self.stepper.sigUsed.connect(self.hint.dismiss)
        self.hover_info = QLabel(" ")
        self.hover_info.setStyleSheet(f"color: {colours.HOVER};")
        self.build_views()
        self.frame.views.addWidget(self.hover_info)
        self.colour_bar = ColourBar()
        self.colour_bar.setMaximumWidth(260)
        key = row(legend(), self.colour_bar)
        key.layout().setStretch(0, 1)
        self.frame.views.addWidget(key)

        self.data_panel.sigChangeRequested.connect(
            lambda old, new, text: self.edit(f"{self.data_title}: {text}", data=new))
        self.kernel_panel.sigChangeRequested.connect(
            lambda old, new, text: self.edit(f"Kernel: {text}", kernel=new,
                                             anchor=self.state.anchor_for(new)))
        # a typed value comes straight from the table (the panel relays presets, pastes and
        # resizes); it stays in the cell as typed
        for panel, field, what in ((self.data_panel, "data", self.data_title),
                                   (self.kernel_panel, "kernel", "Kernel")):
            panel.editor.sigEdited.connect(
                lambda old, new, field=field, what=what: self.edit(
                    f"{what}: edit a value",
                    **{field: new.reshape(getattr(self.state, field).shape)}))
        self.kernel_panel.editor.sigCentreChosen.connect(self._on_centre_chosen)
        # a refused cell is also said below the views: a tooltip alone is easily missed
        for panel, what in ((self.data_panel, self.data_title), (self.kernel_panel, "Kernel")):
            panel.editor.sigRejected.connect(
                lambda reason, what=what: self.show_message(f"{what}: {reason}"))
        self.options.sigEdited.connect(self._on_option_edited)
        self.input_map.sigCellHovered.connect(self._on_input_hovered)
        self.output_map.sigCellHovered.connect(self._on_output_hovered)
        self.input_map.view.setToolTip("Hover a cell: the output cells that read it turn purple")
        self.output_map.view.setToolTip("Hover a cell: every panel shows how it was computed")
        share_keys(self)
        self.apply_state(ConvState(self.data_panel.preset_values(self.start_data),
                                   kernel_presets[self.start_kernel], self.start_anchor,
                                   self.start_padding))

    def build_views(self) -> None:
        raise NotImplementedError

    # -- edits -----------------------------------------------------------------------------
    def edit(self, text: str, merge_key=None, **changes) -> bool:
        """One undoable change of the state; a change the core refuses (a bad combination, an
        overflowing sum) is said in the message line, and the page, its undo stack and its
        widgets stay as they were."""
        if all(_same(getattr(self.state, k), v) for k, v in changes.items()):
            return False                    # a widget showing the state again: not an edit
        try:
            new = dataclasses.replace(self.state, **changes)
            output = conv_output(new)
        except ValueError as error:
            self.show_message(str(error))
            self.show_controls(self.state, self.plan)
            return False
        if all(_same(getattr(new, k), getattr(self.state, k)) for k in changes):
            return False                    # the same state written another way ("SAME")
        self._computed = (new, output)
        self.push_edit(text, self.apply_state, self.state, new, merge_key)
        return True

    def set_data(self, values) -> None:
        """Use ``values`` as the input (undoable) and restart the trace."""
        self.edit(f"{self.data_title}: set", data=np.asarray(values, dtype=float))

    def set_kernel(self, values) -> None:
        """Use ``values`` as the kernel (its centre resets if its size changed); restart."""
        values = np.asarray(values, dtype=float)
        self.edit("Kernel: set", kernel=values, anchor=self.state.anchor_for(values))

    def anchor(self) -> tuple[int, ...]:
        """The kernel element whose position receives the output."""
        return self.state.anchor

    def _on_centre_chosen(self, row, col):
        anchor = (col,) if self.ndim == 1 else (row, col)
        where = f"element {col}" if self.ndim == 1 else f"row {row}, column {col}"
        self.edit(f"Kernel: centre at {where}", anchor=anchor)

    def _on_option_edited(self, name, axis, value):
        text, padding = f"Options: {OPTION_NAMES[name]}", self.state.padding
        if name == "padding" and value == "custom":
            value = padding if not isinstance(padding, str) else self.plan.pads
        elif name == "pads":
            if isinstance(padding, str):
                return                      # the boxes show the amounts in force, read-only
            sides = [v for pair in padding for v in pair]
            sides[axis] = value
            name, value = "padding", tuple(zip(sides[::2], sides[1::2]))
        elif axis >= 0:
            values = list(getattr(self.state, name))
            values[axis] = value
            value = tuple(values)
        self.edit(text, **{name: value})

    # -- drawing ---------------------------------------------------------------------------
    def render(self, state) -> None:
        computed, output = self._computed
        if computed is not state:           # undo and redo: states computed before
            output = conv_output(state)
            self._computed = (state, output)
        self.show_message("")
        # one colour scale for the page: pad cells hold 0 or copies of the data, so the data's
        # bound is the padded input's
        if self._data_bound[0] is not state.data:   # read-only: the same array, same bound
            self._data_bound = (state.data, _bound(state.data))
        data, kernel = self._data_bound[1], _bound(state.kernel)
        self._levels = colours.page_levels(output, np.array([data, kernel, data * kernel]))
        self.colour_bar.set_levels(self._levels)
        first = self.show_new_output(output)
        plan = conv_plan(state, output)     # the trace the step panels show
        self.show_new_plan(plan, first)
        self.show_controls(state, plan)

    def show_controls(self, state, plan) -> None:
        """Show ``state`` in the panels and options (only what they do not show already)."""
        self.data_panel.show_values(state.data)
        self.kernel_panel.show_values(state.kernel)
        anchor = state.anchor
        self.kernel_panel.editor.set_anchor((0, anchor[0]) if self.ndim == 1 else anchor)
        where = f"element {anchor[0]}" if self.ndim == 1 else f"row {anchor[0]}, column {anchor[1]}"
        set_text(self.centre_label, f"Centre (dotted): {where}, where the output goes. "
                                    "Ctrl+click or right-click a cell to move it.")
        self.options.show_state(state, plan.pads)

    def output_levels(self):
        return self._levels

    def output_view(self):
        return self.output_map

    def show_step_formula(self, step) -> None:
        head = f"Output[{self._index_text(step.index)}]"
        size = step.kernel.size
        compact = (f"Σ of the {shape_text(step.kernel.shape)} products kernel × window = "
                   f"{number(step.value)} ({size} terms: hover or see the tooltip)")
        self.show_formula(head, step.formula(max_terms=None), compact)

    def window_cells(self, step) -> list[tuple[int, int]]:
        """The (row, col) cells of the padded-input view read by ``step``."""
        taps = np.asarray(step.taps).reshape(-1, self.ndim)
        if self.ndim == 1:
            return [(0, int(t[0])) for t in taps]
        return [(int(r), int(c)) for r, c in taps]

    def _index_text(self, index):
        return ", ".join(str(int(i)) for i in index)

    # -- hover: the output cell under the mouse in every panel, or an input cell's readers -----
    def _on_step_changed(self, n):
        super()._on_step_changed(n)
        if self._hovered is not None:       # playing under a resting mouse: keep its cell
            self.show_step(self._hovered)

    def _on_output_hovered(self, row, col):
        if self.plan is None or row < 0:
            self._clear_hover()
            return
        step = self.plan.step(self.plan.step_number((col,) if self.ndim == 1 else (row, col)))
        self._hovered = step
        self.show_step(step)
        self.input_map.set_hover(self.window_cells(step))
        self.output_map.set_hover([(row, col)])
        self.hover_info.setText(f"Every panel shows output [{self._index_text(step.index)}] under "
                                f"the mouse; move away to go back to step "
                                f"{self.stepper.step() + 1}.")

    def _on_input_hovered(self, row, col):
        self._end_output_hover()
        if self.plan is None or row < 0:
            self._clear_hover()
            return
        position = (col,) if self.ndim == 1 else (row, col)
        width = self.plan.output_shape[-1]
        cells = [divmod(int(n), width) for n in self.plan.windows_for(position)]
        self.output_map.set_hover(cells)
        self.input_map.set_hover([(row, col)])
        where = "a pad cell" if np.asarray(self.plan.is_pad)[position] else "an input cell"
        names = [f"[{self._index_text((c,) if self.ndim == 1 else (r, c))}]" for r, c in cells]
        listing = ", ".join(names[:12]) + (" …" if len(names) > 12 else "")
        self.hover_info.setText(f"Padded cell [{self._index_text(position)}] is {where}, read by "
                                f"{len(cells)} output cell(s) {listing}".rstrip())

    def _end_output_hover(self):
        """Leaving an output cell: the panels show the animation's step again."""
        if self._hovered is not None:
            self._hovered = None
            self.show_step(self.current_step())

    def _clear_hover(self):
        self._end_output_hover()
        self.input_map.set_hover([])
        self.output_map.set_hover([])
        set_text(self.hover_info, " ")
