"""MatrixEditor: a small table of numbers the user types into (a kernel, a signal, a data grid)."""

import numpy as np
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QBrush, QFont, QKeySequence
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QHeaderView, QMenu, QTableWidget,
                               QTableWidgetItem)

from cnn_explorer.gui.widgets import colours
from cnn_explorer.core.formulas import format_number, parse_number, parse_table

# Keys the table uses itself; without this the page's Space/arrow shortcuts would steal them.
ROW_HEIGHT = 24
_TABLE_KEYS = {Qt.Key_Left, Qt.Key_Right, Qt.Key_Up, Qt.Key_Down, Qt.Key_Space, Qt.Key_Home,
               Qt.Key_End}


def _several_numbers(text: str) -> bool:
    """True when ``text`` (typed into one cell) is a table of more than one number."""
    try:
        return sum(map(len, parse_table(text))) > 1
    except ValueError:
        return False


class MatrixEditor(QTableWidget):
    """An editable grid of finite numbers; one row for 1D data.

    Bad input (text, NaN, an empty cell) is refused: the cell turns red, its tooltip says why, and
    the previous value stays. A good edit stays in the cell as typed and is emitted as
    ``sigEdited(old, new)``; the page records it and calls :meth:`set_values` only when its state
    holds other values (undo, a refused edit). With :meth:`allow_centre`, Ctrl+click or the
    context menu's "Make this the centre" asks for a cell to become the kernel's centre
    (``sigCentreChosen``): typing a value, or a plain click, never does.
    Ctrl+C copies the grid as tab-separated text; Ctrl+V replaces it with a pasted table of
    numbers (a kernel copied from a paper), refused whole, with a reason, if any of it is bad or
    it is larger than :meth:`set_shape_limit` allows.

    Signals
    -------
    sigEdited(object, object)
        ``(old, new)`` 2D float arrays after the user typed a valid number.
    sigCellClicked(int, int)
        ``(row, col)`` of a clicked cell.
    sigCentreChosen(int, int)
        ``(row, col)`` the user made the centre (Ctrl+click, or the context menu).
    sigRejected(str)
        the reason a typed or pasted value was refused.
    sigPasted(object, object)
        ``(old, new)`` 2D float arrays after a valid paste; ``new`` may have another shape.
    """

    sigEdited = Signal(object, object)
    sigPasted = Signal(object, object)
    sigCellClicked = Signal(int, int)
    sigCentreChosen = Signal(int, int)
    sigRejected = Signal(str)

    def __init__(self, role: str = "input", cell_width: int = 46, parent=None):
        super().__init__(parent)
        self._role = role
        self._values = np.zeros((1, 1))
        self._anchor = None
        self._cell_width = cell_width
        self._writing = False
        self._max_shape = None
        self._what = "this grid"
        tint = colours.qcolor(colours.ROLE_COLOURS[role], 28)
        self._brush = QBrush(tint)
        self._anchor_brush = QBrush(colours.qcolor(colours.ANCHOR, 70))
        self._error_brush = QBrush(colours.qcolor(colours.ERROR_BACKGROUND))
        self.setEditTriggers(QAbstractItemView.DoubleClicked | QAbstractItemView.EditKeyPressed
                             | QAbstractItemView.AnyKeyPressed)
        self.setSelectionMode(QAbstractItemView.SingleSelection)
        for header in (self.horizontalHeader(), self.verticalHeader()):
            header.setSectionResizeMode(QHeaderView.Fixed)
            header.setMinimumSectionSize(18)
        self.horizontalHeader().setDefaultSectionSize(cell_width)
        self.horizontalHeader().setMinimumSectionSize(cell_width)
        self.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        self.setStyleSheet(f"QTableWidget {{ border: 2px solid {colours.ROLE_COLOURS[role]}; }}")
        self.itemChanged.connect(self._on_item_changed)
        self.cellClicked.connect(self.sigCellClicked)
        self._centre_menu = False
        self.set_values(self._values)

    def allow_centre(self) -> None:
        """Let the user choose the centre cell: Ctrl+click or right-click → "Make this the centre"."""
        self._centre_menu = True
        self.setContextMenuPolicy(Qt.DefaultContextMenu)

    def contextMenuEvent(self, event):  # noqa: N802 (Qt name)
        item = self.itemAt(event.pos())
        if not self._centre_menu or item is None:
            return super().contextMenuEvent(event)
        menu = QMenu(self)
        action = menu.addAction("Make this the centre")
        action.setToolTip("The output is written where this element sits (also Ctrl+click)")
        action.setEnabled(self._anchor != (item.row(), item.column()))
        if menu.exec(event.globalPos()) is action:
            self.sigCentreChosen.emit(item.row(), item.column())

    def mousePressEvent(self, event):  # noqa: N802 (Qt name)
        item = self.itemAt(event.position().toPoint())
        if (self._centre_menu and item is not None and event.button() == Qt.LeftButton
                and event.modifiers() & Qt.ControlModifier):
            self.sigCentreChosen.emit(item.row(), item.column())
            return
        super().mousePressEvent(event)

    # -- values ----------------------------------------------------------------------------
    def values(self) -> np.ndarray:
        """A copy of the current values, shape (rows, cols)."""
        return self._values.copy()

    def set_values(self, values) -> None:
        """Show ``values`` (1D is shown as one row); clears any error marks."""
        array = np.atleast_2d(np.asarray(values, dtype=float))
        reshaped = array.shape != self._values.shape or self.rowCount() != array.shape[0]
        self._writing = True
        try:
            if reshaped:
                self.setRowCount(array.shape[0])
                self.setColumnCount(array.shape[1])
                # 0-based, like the indices in formulas and output cells
                self.setVerticalHeaderLabels([str(i) for i in range(array.shape[0])])
                self.setHorizontalHeaderLabels([str(i) for i in range(array.shape[1])])
            self._values = array.copy()
            for r in range(array.shape[0]):
                for c in range(array.shape[1]):
                    item = self.item(r, c)
                    if item is None:
                        item = QTableWidgetItem()
                        item.setTextAlignment(Qt.AlignCenter)
                        self.setItem(r, c, item)
                    item.setText(format_number(array[r, c]))
                    item.setToolTip("")
            self._paint_cells()
        finally:
            self._writing = False
        if array.size <= 64 * 64:
            self.resizeColumnsToContents()      # "0.00391" needs more room than "-1"
        if reshaped:
            self.updateGeometry()

    def set_anchor(self, cell) -> None:
        """Mark ``cell`` (row, col), or nothing with ``None``, as the kernel's centre."""
        cell = None if cell is None else tuple(cell)
        if cell == self._anchor:
            return
        self._anchor = cell
        self._writing = True
        try:
            self._paint_cells()
        finally:
            self._writing = False

    def _paint_cells(self):
        bold = QFont(self.font())
        bold.setBold(True)
        for r in range(self.rowCount()):
            for c in range(self.columnCount()):
                item = self.item(r, c)
                is_anchor = self._anchor == (r, c)
                item.setBackground(self._anchor_brush if is_anchor else self._brush)
                item.setFont(bold if is_anchor else self.font())
                if is_anchor and not item.toolTip():
                    item.setToolTip("The kernel's centre: the output is written where it sits. "
                                    "Ctrl+click (or right-click) another cell to move it")

    # -- editing ---------------------------------------------------------------------------
    def _on_item_changed(self, item):
        if self._writing:
            return
        r, c = item.row(), item.column()
        old_value = self._values[r, c]
        try:
            value = parse_number(item.text())
        except ValueError as error:
            reason = f"{error}; kept {format_number(old_value)}"
            if _several_numbers(item.text()):
                reason += (". To paste a whole grid, select a cell without opening it and press "
                           "Ctrl+V")
            self._writing = True
            try:
                item.setText(format_number(old_value))
                item.setBackground(self._error_brush)
                item.setToolTip(reason)
            finally:
                self._writing = False
            self.sigRejected.emit(reason)
            return
        if value == old_value:
            self._writing = True
            try:
                item.setText(format_number(value))
            finally:
                self._writing = False
            return
        old = self._values.copy()
        self._values[r, c] = value
        self._writing = True
        try:
            item.setText(format_number(value))
        finally:
            self._writing = False
        self.sigEdited.emit(old, self._values.copy())

    # -- clipboard -------------------------------------------------------------------------
    def set_shape_limit(self, rows: int, cols: int, what: str = "this grid") -> None:
        """Refuse pastes larger than ``rows`` × ``cols``; ``what`` names the grid in the message."""
        self._max_shape = (rows, cols)
        self._what = what

    def paste_text(self, text: str) -> bool:
        """Replace the values with the table in ``text`` (``sigPasted``); False if refused."""
        one_row = self._max_shape is not None and self._max_shape[0] == 1
        try:
            new = np.array(parse_table(text, self._max_shape, self._what, vector=one_row),
                           dtype=float)
        except ValueError as error:
            self.sigRejected.emit(f"nothing pasted: {error}")
            return False
        self.sigPasted.emit(self.values(), new.reshape(1, -1) if one_row else new)
        return True

    def copy_text(self) -> str:
        """The values as tab-separated lines (what Ctrl+C puts on the clipboard)."""
        return "\n".join("\t".join(repr(float(v)).removesuffix(".0") for v in row)
                         for row in self._values)

    def keyPressEvent(self, event):  # noqa: N802 (Qt name)
        if event.matches(QKeySequence.Paste):
            self.paste_text(QApplication.clipboard().text())
        elif event.matches(QKeySequence.Copy):
            QApplication.clipboard().setText(self.copy_text())
        else:
            super().keyPressEvent(event)

    def cell_is_marked_bad(self, row: int, col: int) -> bool:
        """True when the cell shows the red 'refused' mark."""
        return self.item(row, col).background() == self._error_brush

    # -- geometry --------------------------------------------------------------------------
    def sizeHint(self):  # noqa: N802 (Qt name)
        hint = super().sizeHint()
        columns = sum(self.columnWidth(c) for c in range(self.columnCount()))
        width = self.verticalHeader().width() + columns + 2 * self.frameWidth() + 4
        height = (self.horizontalHeader().height() + self.rowCount() * ROW_HEIGHT
                  + 2 * self.frameWidth() + 4)
        if self.rowCount() == 1 and width > 320:
            height += self.horizontalScrollBar().sizeHint().height()
        hint.setWidth(min(width, 320))
        hint.setHeight(min(height, 260))
        return hint

    def minimumSizeHint(self):  # noqa: N802 (Qt name)
        return self.sizeHint()

    def event(self, event):
        if event.type() == QEvent.ShortcutOverride and event.key() in _TABLE_KEYS:
            event.accept()
            return True
        return super().event(event)
