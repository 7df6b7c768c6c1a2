"""GridPanel: a titled editor for one array (data, kernel, pooling weights) with presets and size.

A typed cell is the table's own ``editor.sigEdited``, which the page listens to; every other
change the user asks for (a preset, a paste, a new size) is emitted as
``sigChangeRequested(old, new, text)``. The page shows its state with
:meth:`GridPanel.show_values`, which leaves the table alone when it already shows those values
(a typed value stays as typed; undo or a refused edit writes the cells). Arrays larger than ``edit_limit`` on a side are not put in the table
(shown by the page as an image instead).
"""

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from cnn_explorer.gui.widgets.matrix_editor import MatrixEditor
from cnn_explorer.gui.widgets.panel import combo, section, set_text, wrapped

CUSTOM = "(your own values)"


class GridPanel(QWidget):
    """Presets, size spin boxes and a :class:`MatrixEditor` for a 1D or 2D array.

    Signals
    -------
    sigChangeRequested(object, object, str)
        ``(old, new, description)``: the user wants ``new`` instead of ``old``.
    sigCellClicked(int, int)
        a cell of the table was clicked.
    """

    sigChangeRequested = Signal(object, object, str)
    sigCellClicked = Signal(int, int)

    def __init__(self, title, role, ndim, presets, *, size_range=(1, 32), descriptions=None,
                 edit_limit=32, parent=None):
        super().__init__(parent)
        self.ndim = ndim
        self._presets = dict(presets)
        self._descriptions = descriptions or {}
        self._values = np.zeros((1,) * ndim)
        self._shown = None                  # the array show_values showed last
        self._edit_limit = edit_limit
        self.box, self.form = section(title, role)
        self.preset = combo([CUSTOM, *self._presets], f"Fill the {title.lower()} with a ready-made example")
        self.form.addRow("Preset", self.preset)
        self.description = wrapped(style="color: palette(mid); font-style: italic;")
        # two lines whatever the text, so that choosing a preset does not re-lay out the column
        self.description.setFixedHeight(2 * self.description.fontMetrics().lineSpacing() + 2)
        self.form.addRow(self.description)
        self._size_range = size_range
        self._computed = {}
        low, high = size_range
        names = ("length",) if ndim == 1 else ("rows", "columns")
        self.size_spins = []
        for axis, name in enumerate(names):
            spin = QSpinBox()
            spin.setRange(low, high)
            spin.setKeyboardTracking(False)   # typing "12" must not first crop the data to 1 row
            spin.setToolTip(f"Number of {name}; new cells are 0, cells cut off are dropped")
            spin.valueChanged.connect(lambda n, axis=axis: self._on_size_changed(axis, n))
            self.size_spins.append(spin)
        if ndim == 1:
            self.form.addRow("Length", self.size_spins[0])
        else:
            row = QHBoxLayout()
            row.addWidget(self.size_spins[0], 1)
            row.addWidget(QLabel("rows ×"))
            row.addWidget(self.size_spins[1], 1)
            row.addWidget(QLabel("columns"))
            self.form.addRow("Size", row)
        # a 1D signal is one long row: narrower cells show the guide's 7 values without scrolling
        self.editor = MatrixEditor(role, cell_width=36 if ndim == 1 else 46)
        self.editor.setToolTip("Double-click or type to change a value; Ctrl+V pastes a whole "
                               "grid (numbers separated by spaces, commas or tabs), Ctrl+C copies")
        self.editor.set_shape_limit(1 if ndim == 1 else high, high, f"the {title.lower()}")
        self.form.addRow(self.editor)
        self.too_large = wrapped()
        self.too_large.hide()
        self.form.addRow(self.too_large)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.box)

        self.preset.activated.connect(self._on_preset_chosen)
        self.editor.sigPasted.connect(
            lambda old, new: self.request(new.reshape(-1) if ndim == 1 else new, "paste"))
        self.editor.sigCellClicked.connect(self.sigCellClicked)

    # -- values ----------------------------------------------------------------------------
    def values(self) -> np.ndarray:
        """The values shown: the table's (as typed) when it shows them, else the image's."""
        typed = self.editor.values()
        if max(self._values.shape) <= self._edit_limit and typed.size == self._values.size:
            return typed.reshape(self._values.shape)
        return self._values.copy()

    def set_values(self, values, preset_name=None) -> None:
        """Show ``values``; name the preset they came from (``None``: the user's own)."""
        array = np.array(values, dtype=float)
        self._values = array
        for spin, n in zip(self.size_spins, array.shape):
            # a loaded image may be larger; an unchanged box is left alone (Qt repaints it)
            if spin.maximum() != max(self._size_range[1], n):
                spin.setMaximum(max(self._size_range[1], n))
            if spin.value() != n:
                spin.setValue(n)            # the values already have this size: no request
        editable = max(array.shape) <= self._edit_limit
        self.editor.setVisible(editable)
        self.too_large.setVisible(not editable)
        for spin in self.size_spins:
            spin.setEnabled(editable)
        if editable:
            self.editor.set_values(array)
        else:
            size = "×".join(str(n) for n in array.shape)
            self.too_large.setText(f"{size} values: too many to type, so they are shown as an "
                                   "image on the right. Pick a preset to edit cells again.")
        self.show_preset(preset_name)

    def show_values(self, values) -> None:
        """Show ``values`` if they are not already shown; name the preset they match.

        An array too large to type into, shown last time, is not compared again (a page's
        state keeps its read-only arrays: a 512×512 input stays the same object through every
        kernel edit, and nobody can have typed into it)."""
        if values is self._shown and not values.flags.writeable \
                and max(values.shape) > self._edit_limit:
            return
        shown = self.values()
        if not (np.shape(values) == shown.shape and np.array_equal(values, shown)):
            self.set_values(values)
        for spin, n in zip(self.size_spins, np.shape(values)):
            if spin.value() != n:           # a refused resize: show the size in force again
                spin.setValue(n)
        self.show_preset(self.preset_matching(values))
        self._shown = values if isinstance(values, np.ndarray) else None

    def show_preset(self, name) -> None:
        self.preset.setCurrentText(name if name in self._presets else CUSTOM)
        set_text(self.description, self._descriptions.get(name, "") or " ")
        self.description.setVisible(bool(self._descriptions))

    def preset_matching(self, values) -> str | None:
        """Name of the preset equal to ``values``, if any (computed presets once they were used)."""
        for name, stored in self._presets.items():
            stored = self._computed.get(name) if callable(stored) else stored
            if stored is not None and np.shape(stored) == np.shape(values) \
                    and np.array_equal(stored, values):
                return name
        return None

    def preset_values(self, name) -> np.ndarray:
        value = self._presets[name]
        if callable(value):
            self._computed[name] = np.array(value(), dtype=float)
            value = self._computed[name]
        return np.array(value, dtype=float)

    # -- requests --------------------------------------------------------------------------
    def request(self, new, text) -> None:
        """Ask the page for ``new`` values (e.g. an image loaded by a button the page added)."""
        self.sigChangeRequested.emit(self.values(), np.asarray(new, dtype=float), text)

    def _on_preset_chosen(self, index):
        name = self.preset.itemText(index)
        if name in self._presets:
            self.request(self.preset_values(name), f"preset “{name}”")

    def _on_size_changed(self, axis, n):
        if n == self._values.shape[axis]:
            return
        shape = list(self._values.shape)
        shape[axis] = n
        new = np.zeros(shape)
        old = self.values()
        common = tuple(slice(0, min(a, b)) for a, b in zip(shape, old.shape))
        new[common] = old[common]
        self.request(new, "resize")
