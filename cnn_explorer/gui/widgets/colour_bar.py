"""ColourBar: the value scale every grid of a page shares, drawn as a labelled strip."""

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QLinearGradient, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

from cnn_explorer.core.formulas import format_number
from cnn_explorer.gui.widgets import colours

BAR_HEIGHT = 12


def signed_text(value: float) -> str:
    """``value`` as a grid writes it, with a true minus sign (a hyphen is easily missed)."""
    return format_number(value).replace("-", "\N{MINUS SIGN}")


class ColourBar(QWidget):
    """A horizontal strip of a lookup table from ``lo`` to ``hi``, labelled at both ends and 0."""

    def __init__(self, lut=colours.DIVERGING_LUT, parent=None):
        super().__init__(parent)
        self._lut = lut
        self._levels = (-1.0, 1.0)
        self.setToolTip("The colour of every value on this page: one scale, the same in every grid")
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        self.setFixedHeight(BAR_HEIGHT + self.fontMetrics().height() + 2)
        self.setMinimumWidth(160)

    def levels(self) -> tuple[float, float]:
        return self._levels

    def labels(self) -> tuple[str, str, str]:
        """The texts under the left end, the middle and the right end."""
        lo, hi = self._levels
        return signed_text(lo), signed_text((lo + hi) / 2), signed_text(hi)

    def set_levels(self, levels) -> None:
        levels = (float(levels[0]), float(levels[1]))
        if levels != self._levels:
            self._levels = levels
            self.update(self._text_rect().toAlignedRect())    # the strip itself is unchanged

    def _text_rect(self) -> QRectF:
        return QRectF(0, BAR_HEIGHT + 1, self.width(), self.height() - BAR_HEIGHT - 1)

    def paintEvent(self, event):  # noqa: N802 (Qt name)
        painter = QPainter(self)
        bar = QRectF(4, 0, self.width() - 8, BAR_HEIGHT)
        if event.rect().intersects(bar.toAlignedRect().adjusted(-1, -1, 1, 1)):
            gradient = QLinearGradient(bar.topLeft(), bar.topRight())
            last = len(self._lut) - 1
            for i in range(0, last + 1, 16):
                gradient.setColorAt(i / last, QColor(*(int(v) for v in self._lut[i][:3])))
            gradient.setColorAt(1.0, QColor(*(int(v) for v in self._lut[last][:3])))
            painter.fillRect(bar, gradient)
            painter.setPen(QColor("#888888"))
            painter.drawRect(bar)
        painter.setPen(self.palette().text().color())
        text = self._text_rect()
        for label, align in zip(self.labels(), (Qt.AlignLeft, Qt.AlignHCenter, Qt.AlignRight)):
            painter.drawText(text, align | Qt.AlignTop, label)
        painter.end()
