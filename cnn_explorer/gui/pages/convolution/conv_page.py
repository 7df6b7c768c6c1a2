"""What both convolution pages share: data and kernel panels, options, the kernel's centre, hover."""

import numpy as np
from PySide6.QtWidgets import QLabel

from cnn_explorer.core import kernels
from cnn_explorer.core.padding import default_anchor
from cnn_explorer.gui.pages.stepping import ExplorerPage
from cnn_explorer.gui.widgets import colours
from cnn_explorer.gui.widgets.conv_options import STATE_NAMES, ConvOptions
from cnn_explorer.gui.widgets.focus_keys import share_keys
from cnn_explorer.gui.widgets.grid_panel import GridPanel
from cnn_explorer.gui.widgets.panel import legend, set_text


class ConvExplorerPage(ExplorerPage):
    """The parts both convolution pages share: data and kernel panels, options, centre, hover.

    Subclasses set ``ndim``, ``plan_function`` (``steps.conv1d_plan`` or ``conv2d_plan``) and the
    start presets, and build ``input_map``/``output_map`` in :meth:`build_views`.
    """

    ndim = 2
    plan_function = None  # staticmethod(steps.convNd_plan) in subclasses
    data_title = "Input"
    data_presets: dict = {}
    data_size_range = (1, 32)
    start_data = ""
    start_kernel = ""
    start_padding = "same"
    start_anchor = None

    def __init__(self, parent=None):
        super().__init__(parent)
        kernel_presets = {p.name: p.values for p in kernels.presets(self.ndim)}
        self.data_panel = GridPanel(self.data_title, "input", self.ndim, self.data_presets,
                                    size_range=self.data_size_range)
        self.kernel_panel = GridPanel(
            "Kernel", "kernel", self.ndim, kernel_presets, size_range=(1, 7),
            descriptions={p.name: p.description for p in kernels.presets(self.ndim)})
        self.centre_label = QLabel()
        self.centre_label.setWordWrap(True)
        self.kernel_panel.form.addRow(self.centre_label)
        self.options = ConvOptions(self.ndim)
        for widget in (self.data_panel, self.kernel_panel, self.options):
            self.frame.controls.addWidget(widget)
        self.frame.controls.addStretch(1)
        self.hover_info = QLabel(" ")
        self.hover_info.setStyleSheet(f"color: {colours.HOVER};")
        self.build_views()
        self.frame.views.addWidget(self.hover_info)
        self.frame.views.addWidget(legend())

        self._anchor = self.start_anchor
        self.data_panel.set_values(self.data_panel.preset_values(self.start_data), self.start_data)
        self.kernel_panel.set_values(kernel_presets[self.start_kernel], self.start_kernel)
        self.options.set_padding(self.start_padding)
        self._show_anchor()

        self.data_panel.sigChangeRequested.connect(self._on_data_change_requested)
        self.kernel_panel.sigChangeRequested.connect(self._on_kernel_change_requested)
        self.kernel_panel.sigCellClicked.connect(self._on_kernel_cell_clicked)
        # a refused cell is also said below the views: a tooltip alone is easily missed
        for panel, what in ((self.data_panel, self.data_title), (self.kernel_panel, "Kernel")):
            panel.editor.sigRejected.connect(
                lambda reason, what=what: self.show_message(f"{what}: {reason}"))
        self._options_state = self.options.state()
        self.options.sigChanged.connect(self._on_options_changed)
        self.input_map.sigCellHovered.connect(self._on_input_hovered)
        self.output_map.sigCellHovered.connect(self._on_output_hovered)
        self.input_map.view.setToolTip("Hover a cell: the output cells that read it turn purple")
        self.output_map.view.setToolTip("Hover a cell: the input window that produced it turns "
                                        "purple")
        share_keys(self)

    def build_views(self) -> None:
        raise NotImplementedError

    # -- data and kernel edits (undoable) --------------------------------------------------
    def _on_data_change_requested(self, old, new, text):
        self.push_edit(f"{self.data_title}: {text}", self.set_data, old, new)

    def _on_kernel_change_requested(self, old, new, text):
        # the centre is part of the kernel's state: undoing a resize brings a custom centre back
        keep = self._anchor if np.shape(new) == np.shape(old) else None
        self.push_edit(f"Kernel: {text}", self._set_kernel_state, (old, self._anchor), (new, keep))

    def _on_options_changed(self):
        # undoable like the data: Ctrl+Z after a stride change used to undo the edit before it
        old, new = self._options_state, self.options.state()
        if new != old:
            names = [n for n, a, b in zip(STATE_NAMES, old, new) if a != b]
            self.push_edit(f"Options: {', '.join(names)}", self._set_options_state, old, new)

    def _set_options_state(self, state) -> None:
        self._options_state = state
        self.options.set_state(state)
        self.recompute()

    def set_data(self, values) -> None:
        """Use ``values`` as the input and restart the trace."""
        values = np.asarray(values, dtype=float)
        self.data_panel.set_values(values, self.data_panel.preset_matching(values))
        self.recompute()

    def set_kernel(self, values) -> None:
        """Use ``values`` as the kernel (its centre resets if its size changed); restart."""
        same_shape = np.shape(values) == self.kernel_panel.values().shape
        self._set_kernel_state((values, self._anchor if same_shape else None))

    def _set_kernel_state(self, state) -> None:
        """``(values, anchor or None)``: the kernel and its centre, set together; restart."""
        values, self._anchor = np.asarray(state[0], dtype=float), state[1]
        self.kernel_panel.set_values(values, self.kernel_panel.preset_matching(values))
        self._show_anchor()
        self.recompute()

    def _on_kernel_cell_clicked(self, row, col):
        anchor = (col,) if self.ndim == 1 else (row, col)
        if anchor != self.anchor():   # a click to edit the centre's value moves nothing
            where = f"element {col}" if self.ndim == 1 else f"row {row}, column {col}"
            self.push_edit(f"Kernel: centre at {where}", self._set_anchor, self._anchor, anchor)

    def _set_anchor(self, anchor) -> None:
        self._anchor = anchor
        self._show_anchor()
        self.recompute()

    def anchor(self) -> tuple[int, ...]:
        """The kernel element whose position receives the output (default: the middle one)."""
        if self._anchor is not None:
            return tuple(self._anchor)
        return tuple(default_anchor(n) for n in self.kernel_panel.values().shape)

    def _show_anchor(self):
        anchor = self.anchor()
        self.kernel_panel.editor.set_anchor((0, anchor[0]) if self.ndim == 1 else anchor)
        where = (f"element {anchor[0]}" if self.ndim == 1
                 else f"row {anchor[0]}, column {anchor[1]}")
        set_text(self.centre_label, f"Centre: {where} (dark red): the output goes where it sits. "
                                    "Click a cell to move it.")

    # -- the plan --------------------------------------------------------------------------
    def make_plan(self):
        return self.plan_function(self.data_panel.values(), self.kernel_panel.values(),
                                  anchor=self.anchor(), **self.options.keywords())

    def output_view(self):
        return self.output_map

    def window_cells(self, step) -> list[tuple[int, int]]:
        """The (row, col) cells of the padded-input view read by ``step``."""
        taps = np.asarray(step.taps).reshape(-1, self.ndim)
        if self.ndim == 1:
            return [(0, int(t[0])) for t in taps]
        return [(int(r), int(c)) for r, c in taps]

    def _view_cell(self, position):
        return (0, int(position[0])) if self.ndim == 1 else tuple(int(v) for v in position)

    def _index_text(self, index):
        return ", ".join(str(int(i)) for i in index)

    # -- hover: output cell <-> its window -------------------------------------------------
    def _on_output_hovered(self, row, col):
        if self.plan is None or row < 0:
            self._clear_hover()
            return
        width = self.plan.output_shape[-1]
        step = self.plan.step(row * width + col)
        self.input_map.set_hover(self.window_cells(step))
        self.output_map.set_hover([(row, col)])
        self.hover_info.setText(f"Output[{self._index_text(step.index)}] = {step.formula()}")

    def _on_input_hovered(self, row, col):
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

    def _clear_hover(self):
        self.input_map.set_hover([])
        self.output_map.set_hover([])
        set_text(self.hover_info, " ")
