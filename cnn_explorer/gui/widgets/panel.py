"""Page layout helpers: controls on the left, views on the right, the stepper along the bottom."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QDoubleSpinBox, QFormLayout, QFrame, QGroupBox,
                               QHBoxLayout, QLabel, QLayout, QPushButton, QScrollArea, QSizePolicy,
                               QSpinBox, QVBoxLayout, QWidget)

from cnn_explorer.gui.widgets import colours

CONTROLS_WIDTH = 340
#: Text that explains rather than informs, readable in the light and the dark palette alike.
MUTED = "color: palette(placeholder-text);"


def set_text(label: QLabel, text: str) -> None:
    """Change ``label``'s text only if it differs: an equal setText still re-lays out the page."""
    if label.text() != text:
        label.setText(text)


def steady(label: QLabel, lines: int = 1) -> QLabel:
    """``label`` fixed at the height of ``lines`` lines, for a text that changes while training.

    A label that may change size re-lays the whole window out at each new text, and Qt stops
    that only for a widget fixed in both directions: the owner fixes the width too, in its
    ``resizeEvent``, and gives itself a minimum width of its own.
    """
    label.setFixedHeight(lines * label.fontMetrics().lineSpacing() + 2)
    return label


class SteadyHolder(QWidget):
    """Holds ``label`` fixed at its own size (see :func:`steady`), ``height`` pixels high and as
    wide as the layout makes it: for a text that changes at every step (a formula), which
    otherwise re-laid out the page at every step (0.3–0.5 ms of a 60-steps/s frame)."""

    def __init__(self, label: QLabel, height: int):
        super().__init__()
        self.label = label
        label.setParent(self)
        self.setFixedHeight(height)
        self.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Fixed)
        label.setFixedHeight(height)

    def resizeEvent(self, event):  # noqa: N802 (Qt name)
        self.label.setFixedWidth(self.width())
        super().resizeEvent(event)


def spin(low: float, high: float, value: float, tip: str, *, step: float = 1,
         tracking: bool = False, decimals: int | None = None) -> QSpinBox | QDoubleSpinBox:
    """A number box: whole numbers, or with ``decimals`` digits after the point. Without
    ``tracking`` it changes once the number is typed ("12" is one change: one undo step, one
    recompute), not at every digit."""
    box = QSpinBox() if decimals is None else QDoubleSpinBox()
    if decimals is not None:
        box.setDecimals(decimals)   # first: setRange and setValue round to the current decimals
    box.setRange(low, high)
    box.setValue(value)
    box.setSingleStep(step)
    box.setToolTip(tip)
    box.setAccelerated(True)
    box.setKeyboardTracking(tracking)
    return box


def button(text: str, tip: str) -> QPushButton:
    """A push button that says what it does in its tooltip (every button of the app has one)."""
    push = QPushButton(text)
    push.setToolTip(tip)
    return push


def combo(items, tip: str) -> QComboBox:
    """A drop-down list that says what it chooses in its tooltip. Each of ``items`` is a text, a
    ``(text, data)`` pair (``currentData()`` gives the data back), or ``(text, data, tip)`` with
    a tooltip of the item's own."""
    box = QComboBox()
    for item in items:
        text, data, item_tip = (item, None, None) if isinstance(item, str) else (*item, None)[:3]
        box.addItem(text, data)
        if item_tip is not None:
            box.setItemData(box.count() - 1, item_tip, Qt.ToolTipRole)
    box.setToolTip(tip)
    return box


def wrapped(text: str = "", style: str = "") -> QLabel:
    """A label that wraps its text to the width it is given (with a style sheet, ``style``)."""
    label = QLabel(text)
    label.setWordWrap(True)
    if style:
        label.setStyleSheet(style)
    return label


def caption(text: str = "", muted: bool = False) -> QLabel:
    """A caption under a picture: it wraps to the picture's width and never widens it, top-left
    aligned; ``muted`` for text that explains rather than informs."""
    label = wrapped(text, MUTED if muted else "")
    label.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
    label.setAlignment(Qt.AlignTop | Qt.AlignLeft)
    return label


def group(title: str, *items: QWidget | QLayout, stretch=(), margins=(6, 4, 6, 4)) -> QGroupBox:
    """``items`` (widgets or layouts) one under another in a titled box; ``stretch`` gives each
    widget's share of the height (by default none grows at the others' expense)."""
    box = QGroupBox(title)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(*margins)
    for i, item in enumerate(items):
        if isinstance(item, QWidget):
            layout.addWidget(item, stretch[i] if stretch else 0)
        else:
            layout.addLayout(item)
    return box


def row(*widgets: QWidget, stretch: bool = False) -> QWidget:
    """``widgets`` side by side without margins (a stretch after them with ``stretch``)."""
    holder = QWidget()
    layout = QHBoxLayout(holder)
    layout.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        layout.addWidget(widget)
    if stretch:
        layout.addStretch(1)
    return holder


def section(title: str, role: str | None = None) -> tuple[QGroupBox, QFormLayout]:
    """A titled group of controls (title in the role's colour) and its form layout."""
    box = QGroupBox(title)
    if role is not None:
        box.setStyleSheet(f"QGroupBox {{ font-weight: bold; color: {colours.ROLE_COLOURS[role]}; }}"
                          " QGroupBox * { font-weight: normal; color: palette(text); }")
    form = QFormLayout(box)
    form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
    form.setContentsMargins(6, 4, 6, 4)
    form.setVerticalSpacing(4)
    return box, form


#: What the outlines of every grid mean (the cells' colours are values: see the colour bar).
GRID_LEGEND = ((colours.INPUT, "input"), (colours.PADDING, "padding"),
               (colours.KERNEL, "kernel window"), (colours.ANCHOR, "centre"),
               (colours.OUTPUT, "output"), (colours.HOVER, "hover link"))


def legend(entries=GRID_LEGEND, *, centred: bool = False) -> QLabel:
    """One wrapping line naming colours: ``entries`` are ``(colour, name)`` or
    ``(colour, name, mark)`` (default mark ■; a curve's could be ━●━), in that order.

    Placed beneath plots and grids: a legend drawn inside a plot would hide the curves it names.
    """
    chips = " &nbsp;&nbsp; ".join(
        f"<span style='color:{colour}'>{mark[0] if mark else '■'}</span> {name}"
        for colour, name, *mark in entries)
    label = QLabel(chips)
    label.setTextFormat(Qt.RichText)
    label.setWordWrap(True)          # on one line a long legend would keep the window over 1024 px wide
    if centred:
        label.setAlignment(Qt.AlignCenter)
    return label


class ExplorerLayout:
    """The shared page frame: a scrolling controls column, a views area, and a bottom bar.

    ``top`` (QVBoxLayout) takes a hint banner, ``controls`` (QVBoxLayout) takes sections, ``views`` (QVBoxLayout) takes grids and plots,
    ``bottom`` (QVBoxLayout) takes the formula, the message line and the stepper.
    """

    def __init__(self, page: QWidget):
        outer = QVBoxLayout(page)
        outer.setContentsMargins(6, 6, 6, 6)
        outer.setSpacing(4)
        self.top = QVBoxLayout()         # a first-run hint, above everything
        outer.addLayout(self.top)
        middle = QHBoxLayout()
        outer.addLayout(middle, 1)

        column = QWidget()
        self.controls = QVBoxLayout(column)
        self.controls.setContentsMargins(0, 0, 4, 0)
        self.controls.setSpacing(6)
        scroll = QScrollArea()
        scroll.setWidget(column)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        scroll.setFixedWidth(CONTROLS_WIDTH)
        middle.addWidget(scroll)
        self.controls_scroll = scroll

        self.views = QVBoxLayout()
        self.views.setSpacing(6)
        middle.addLayout(self.views, 1)

        self.bottom = QVBoxLayout()
        self.bottom.setSpacing(2)
        outer.addLayout(self.bottom)
