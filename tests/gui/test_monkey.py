"""A seeded monkey: random page switches, typed text, presets, steps, undo/redo, short training
runs and a window closed mid-training. Nothing may raise, refused text must leave the page's data
as it was, and no thread may outlive the window.

The monkey reaches widgets only generically (QLineEdit, QAbstractSpinBox, QComboBox,
QAbstractButton, QTableWidget children, the window's actions, key presses), so it keeps working
while the pages change.
"""

import random
import sys
import threading

import pytest
from PySide6.QtCore import QThread, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (QAbstractButton, QAbstractSpinBox, QApplication, QComboBox,
                               QLabel, QLineEdit, QProgressBar, QTableWidget)

from cnn_explorer.core.formulas import parse_number
from cnn_explorer.gui.main_window import MainWindow
from cnn_explorer.gui.pages import PAGES

TEXTS = ["1", "-2.5", "0", "3e2", "0.125", "7", "−4", "1,5", "1e308", "-1e16", "abc", "",
         "nan", "inf", "1e-300", "99999", "2 3", "[1, 2]"]
# buttons that open a file or message dialog (a modal dialog would wait for a user)
DIALOG_WORDS = ("…", "...", "About", "Quit")
# QTest types only ASCII (a "−" asserts inside Qt and aborts the process)
KEYED_TEXTS = [t for t in TEXTS if t.isascii()]
ACTIONS_PER_RUN = 120


def _visible(widgets):
    return [w for w in widgets if w.isVisible() and w.isEnabled()]


def _buttons(page):
    return [b for b in _visible(page.findChildren(QAbstractButton))
            if not any(word in b.text() for word in DIALOG_WORDS)
            and b is not getattr(getattr(page, "controls", None), "start_button", None)]


def _snapshot(page):
    """What the user's data on a page is: its state (and where its undo stack stands)."""
    stack = getattr(page, "undo_stack", None)
    return getattr(page, "state", None), None if stack is None else stack.index()


class Monkey:
    def __init__(self, window, qtbot, seed):
        self.window, self.qtbot, self.rng = window, qtbot, random.Random(seed)
        self.refused = self.typed = 0

    @property
    def page(self):
        return self.window.tabs.currentWidget()

    def act(self):
        choice = self.rng.choice([self.switch, self.cell, self.cell, self.line, self.spin,
                                  self.combo, self.button, self.button, self.undo, self.key])
        choice()

    def switch(self):
        self.window.named_actions[f"page:{self.rng.choice(list(PAGES))}"].trigger()

    def cell(self):
        tables = _visible(self.page.findChildren(QTableWidget))
        if not tables:
            return
        table = self.rng.choice(tables)
        items = [table.item(r, c) for r in range(table.rowCount())
                 for c in range(table.columnCount()) if table.item(r, c) is not None
                 and table.item(r, c).flags() & Qt.ItemIsEditable]
        if not items:
            return
        text = self.rng.choice(TEXTS)
        before = _snapshot(self.page)
        self.rng.choice(items).setText(text)        # what committing a cell editor does
        self.typed += 1
        try:
            parse_number(text)
        except ValueError:
            self.refused += 1
            assert _snapshot(self.page) == before, f"refused {text!r} changed the data"

    def line(self):
        edits = [e for e in _visible(self.page.findChildren(QLineEdit)) if not e.isReadOnly()
                 and not isinstance(e.parent(), QAbstractSpinBox)]
        if edits:
            edit = self.rng.choice(edits)
            edit.selectAll()
            QTest.keyClicks(edit, self.rng.choice(KEYED_TEXTS))
            QTest.keyClick(edit, Qt.Key_Return)

    def spin(self):
        spins = _visible(self.page.findChildren(QAbstractSpinBox))
        if spins:
            spin = self.rng.choice(spins)
            spin.selectAll()
            QTest.keyClicks(spin, self.rng.choice(KEYED_TEXTS))
            QTest.keyClick(spin, Qt.Key_Return)
            QTest.keyClick(spin, self.rng.choice([Qt.Key_Up, Qt.Key_Down]))

    def combo(self):
        combos = [c for c in _visible(self.page.findChildren(QComboBox)) if c.count()]
        if combos:
            combo = self.rng.choice(combos)
            combo.setCurrentIndex(self.rng.randrange(combo.count()))

    def button(self):
        buttons = _buttons(self.page)
        if buttons:
            self.rng.choice(buttons).click()

    def undo(self):
        self.window.named_actions[self.rng.choice(["undo", "redo"])].trigger()

    def key(self):
        key = self.rng.choice([Qt.Key_Right, Qt.Key_Left, Qt.Key_Space, Qt.Key_Home, Qt.Key_End])
        QTest.keyClick(self.page, key)


def _start_training(window, qtbot):
    """Start a run on the Training page and wait until it shows progress."""
    window.named_actions["page:training"].trigger()
    page = window.pages["training"]
    # the button says what it will do ("Train 15 epochs"), so it is found by its name
    start = page.controls.start_button
    assert start.isEnabled(), f"the Training page's {start.text()!r} button is disabled"
    start.click()
    stop = [b for b in page.findChildren(QAbstractButton) if b.text() == "Stop"]
    bars = [bar for bar in page.findChildren(QProgressBar) if bar.isVisible()]
    try:
        qtbot.waitUntil(lambda: any(bar.value() > bar.minimum() for bar in bars)
                        and stop[0].isEnabled(), timeout=60_000)
    except Exception:
        texts = [label.text() for label in page.findChildren(QLabel) if label.isVisible()]
        raise AssertionError(f"training did not start: {texts}") from None


@pytest.fixture
def uncaught(monkeypatch):
    """Exceptions that reach ``sys.excepthook`` (pytest-qt catches those in Qt virtuals too)."""
    seen = []
    monkeypatch.setattr(sys, "excepthook", lambda *info: seen.append(info))
    return seen


def _open(qtbot):
    window = MainWindow(restore_settings=False)
    qtbot.addWidget(window)
    window.show()
    return window


def _close_and_join(window, qtbot, threads_before):
    window.close()
    assert not window.isVisible()
    qtbot.waitUntil(lambda: not any(t.isRunning() for t in QApplication.instance().findChildren(
        QThread) + window.findChildren(QThread)), timeout=30_000)
    qtbot.waitUntil(lambda: not _python_threads(threads_before), timeout=30_000)


def _python_threads(before):
    """Threads started since ``before`` (the QThreads are checked above; Python keeps a "dummy"
    record of every foreign thread that ever ran Python code, running or not)."""
    return [t for t in set(threading.enumerate()) - before
            if not isinstance(t, threading._DummyThread)]


@pytest.mark.parametrize("seed", [1, 2])
def test_the_monkey_breaks_nothing(qtbot, uncaught, seed):
    threads_before = set(threading.enumerate())
    window = _open(qtbot)
    monkey = Monkey(window, qtbot, seed)
    for step in range(ACTIONS_PER_RUN):
        monkey.act()
        if step % 10 == 0:
            qtbot.wait(1)       # let queued signals and repaints run between bursts
    assert monkey.typed and monkey.refused       # the corpus reached cells and refusals
    _close_and_join(window, qtbot, threads_before)
    assert uncaught == []


@pytest.mark.parametrize("seed", [3])
def test_closing_mid_training_leaves_no_thread(qtbot, uncaught, seed):
    threads_before = set(threading.enumerate())
    window = _open(qtbot)
    _start_training(window, qtbot)               # the default model on the bundled digits
    monkey = Monkey(window, qtbot, seed)
    for _ in range(30):                          # keep poking the other pages while it trains
        if window.tabs.currentWidget() is window.pages["training"]:
            window.named_actions["page:conv1d"].trigger()
        monkey.act()
    assert window.pages["training"].findChildren(QThread)      # still training: close now
    _close_and_join(window, qtbot, threads_before)
    assert uncaught == []
