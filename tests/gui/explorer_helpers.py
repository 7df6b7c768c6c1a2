"""Driving the explorer widgets as a user would: type in cells, pick presets, hover cells."""

import math

import numpy as np
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QKeySequence, QMouseEvent
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit


def type_into(qtbot, editor, row, col, text):
    """Open the cell's editor, replace its text with ``text`` and press Enter."""
    editor.setCurrentCell(row, col)
    editor.editItem(editor.item(row, col))
    # the editor of an earlier edit may still exist (deleted later, hidden): take the open one
    line = next((w for w in editor.findChildren(QLineEdit) if w.isVisible()), None)
    assert line is not None, "the cell editor did not open"
    line.selectAll()
    qtbot.keyClick(line, Qt.Key_Backspace)
    qtbot.keyClicks(line, text)
    qtbot.keyClick(line, Qt.Key_Return)
    # the delegate commits on a queued call: wait for the editor to close
    qtbot.waitUntil(lambda: editor.state() != QAbstractItemView.EditingState, timeout=2000)


def paste_into(qtbot, editor, text):
    """Put ``text`` on the clipboard and press Ctrl+V in ``editor``."""
    QApplication.clipboard().setText(text)
    editor.setFocus()
    qtbot.keySequence(editor, QKeySequence.Paste)


def choose(combo, text):
    """Pick ``text`` in a combo box the way a click on the item does (``activated`` fires)."""
    index = combo.findText(text)
    assert index >= 0, f"{text!r} not in {[combo.itemText(i) for i in range(combo.count())]}"
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def click_cell(qtbot, editor, row, col, modifiers=Qt.NoModifier):
    rect = editor.visualItemRect(editor.item(row, col))
    qtbot.mouseClick(editor.viewport(), Qt.LeftButton, modifiers, pos=rect.center())


def grid_pixel(heat_map, x, y):
    """The pixel of ``heat_map.view`` holding grid point (x columns, y rows)."""
    point = heat_map.to_view(x, y)
    return QPoint(math.floor(point.x()), math.floor(point.y()))


def hover(qtbot, heat_map, row, col):
    """Move the mouse over cell (row, col) of a HeatMap; (-1, -1) moves it off the grid."""
    if row < 0:
        pos = QPoint(1, 1)                         # on the view's frame, off the grid
    else:
        point = heat_map.view_point(row, col)
        pos = grid_pixel(heat_map, point.x(), point.y())
    qtbot.mouseMove(heat_map.view, pos)
    # Qt drops a move to where the cursor already is; a hand resting there moves a little
    QApplication.sendEvent(heat_map.view, QMouseEvent(
        QEvent.MouseMove, QPointF(pos), QPointF(heat_map.view.mapToGlobal(pos)), Qt.NoButton,
        Qt.NoButton, Qt.NoModifier))


def shown(heat_map):
    """The numbers a HeatMap shows, NaN where a cell is still empty."""
    return np.asarray(heat_map.values(), dtype=float)


def open_page(qtbot, page_class, size=(1280, 820)):
    """Build a page, show it at ``size`` and wait until it is on screen."""
    page = page_class()
    qtbot.addWidget(page)
    page.resize(*size)
    page.show()
    qtbot.waitExposed(page)
    return page


def forward(qtbot, page, times):
    """Click the stepper's step-forward button ``times`` times."""
    for _ in range(times):
        qtbot.mouseClick(page.stepper.forward_button, Qt.LeftButton)


def widgets_outside_their_parents(root):
    """Every visible widget under ``root`` whose rectangle leaves its parent's, as text (a
    scroll area's contents may be larger than its viewport: that is what it scrolls)."""
    from PySide6.QtWidgets import QWidget
    bad = []
    for child in root.findChildren(QWidget):
        parent = child.parentWidget()
        if (not child.isVisible() or child.isWindow() or parent is None
                or parent.objectName() == "qt_scrollarea_viewport"):
            continue
        if not parent.rect().contains(child.geometry()):
            bad.append(f"{type(child).__name__}{child.geometry().getRect()} in "
                       f"{type(parent).__name__}{parent.rect().getRect()}")
    return bad


def settle_layouts():
    """Let every nested layout settle (each pass may post the next request)."""
    from PySide6.QtCore import QEvent
    for _ in range(4):
        QApplication.sendPostedEvents(None, QEvent.LayoutRequest)
        QApplication.processEvents()
