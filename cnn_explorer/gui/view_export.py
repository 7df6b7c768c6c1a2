"""A view as a picture (PNG, SVG) or a stepping animation (animated GIF) for slides.

Works on any widget; the animation on any page with a ``stepper`` (count(), step(), set_step(),
``speed`` in steps per second): one frame per step, each shown for as long as playback shows it.
"""

from pathlib import Path

from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtGui import QImage, QPainter, QRegion
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QApplication, QWidget

MAX_FRAMES = 400        # 400 frames of a 1280×860 page are ~100 MB while the GIF is made


def save_png(widget, path) -> Path:
    """The widget as it is on screen (device pixels: sharp on high-DPI screens)."""
    path = Path(path)
    if not widget.grab().save(str(path), "PNG"):
        raise ValueError(f"could not write {path}")
    return path


def save_svg(widget, path, title="CNN Explorer view") -> Path:
    """The widget painted into an SVG (text and lines as vectors; images embedded)."""
    path = Path(path)
    size = widget.size()
    generator = QSvgGenerator()
    generator.setFileName(str(path))
    generator.setSize(size)
    generator.setViewBox(QRect(0, 0, size.width(), size.height()))
    generator.setTitle(title)
    painter = QPainter()
    if not painter.begin(generator):
        raise ValueError(f"could not write {path}")
    try:
        # QWidget's own render(): pages define render(state) for their state
        QWidget.render(widget, painter, QPoint(), QRegion(),
                       QWidget.DrawWindowBackground | QWidget.DrawChildren)
    finally:
        painter.end()
    if not path.is_file() or path.stat().st_size == 0:
        raise ValueError(f"could not write {path}")
    return path


def _pil_frame(widget, size: QSize):
    """The widget now, as a Pillow RGB image of ``size`` pixels (every frame the same size)."""
    from PIL import Image   # Pillow loads only when an animation is made

    image = widget.grab().toImage().convertToFormat(QImage.Format_RGB888)
    if image.size() != size:
        image = image.scaled(size)
    return Image.frombuffer("RGB", (image.width(), image.height()), bytes(image.constBits()),
                            "raw", "RGB", image.bytesPerLine(), 1).copy()


def frame_duration_ms(stepper) -> int:
    """How long playback shows one step (the stepper's speed is in steps per second)."""
    speed = float(stepper.speed.value()) if hasattr(stepper, "speed") else 2.0
    return max(20, round(1000 / max(speed, 1e-3)))


def save_animation(page, path, widget=None, progress=None) -> tuple[Path, int, int]:
    """Step ``page.stepper`` from the first step to the last, grab ``widget`` (the page) at each,
    and write an animated GIF that loops. Returns ``(path, frames, ms per frame)``.

    ``progress(done, total)`` is called after each frame and may return False to cancel
    (ValueError then). The page is left on the step it was on.
    """
    stepper = page.stepper
    widget = widget or page
    count, was = stepper.count(), stepper.step()
    if count < 2:
        raise ValueError("there is nothing to animate: this trace has a single step")
    if count > MAX_FRAMES:
        raise ValueError(f"{count} steps are more than the {MAX_FRAMES} frames an animation may "
                         "have; use a smaller input or a larger stride")
    duration = frame_duration_ms(stepper)
    pixels = widget.size() * widget.devicePixelRatioF()
    frames = []
    try:
        for n in range(count):
            stepper.set_step(n)
            QApplication.processEvents()
            frames.append(_pil_frame(widget, pixels))
            if progress is not None and progress(n + 1, count) is False:
                raise ValueError("the animation was cancelled")
    finally:
        stepper.set_step(was)
    path = Path(path)
    try:
        frames[0].save(path, format="GIF", save_all=True, append_images=frames[1:],
                       duration=duration, loop=0, optimize=False)
    except OSError as exc:
        raise ValueError(f"could not write {path}: {exc}") from None
    return path, count, duration
