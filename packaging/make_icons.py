"""Renders resources/icons/cnn-explorer.svg to the PNG sizes desktops ask for, in the
freedesktop layout: resources/icons/hicolor/<n>x<n>/apps/cnn-explorer.png.

    QT_QPA_PLATFORM=offscreen python packaging/make_icons.py
"""

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"


def main():
    app = QGuiApplication([])  # noqa: F841 (Qt needs it to paint)
    renderer = QSvgRenderer(str(ICONS / "cnn-explorer.svg"))
    for n in SIZES:
        image = QImage(n, n, QImage.Format_ARGB32)
        image.fill(Qt.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.Antialiasing)
        renderer.render(painter)
        painter.end()
        out = ICONS / "hicolor" / f"{n}x{n}" / "apps" / "cnn-explorer.png"
        out.parent.mkdir(parents=True, exist_ok=True)
        image.save(str(out))
        print(out.relative_to(ICONS.parent.parent))


if __name__ == "__main__":
    main()
