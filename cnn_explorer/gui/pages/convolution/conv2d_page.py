"""Convolution 2D: a kernel slides over a grid (or an image); the feature map fills in cell by cell."""

from pathlib import Path

import numpy as np
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QImage, QImageReader, QPainter
from PySide6.QtWidgets import QFileDialog, QGridLayout

from cnn_explorer.core.samples import grid_presets
from cnn_explorer.data import samples
from cnn_explorer.gui import settings as keys
from cnn_explorer.gui.pages.convolution.conv_page import ConvExplorerPage
from cnn_explorer.gui.widgets.focus_keys import share_keys
from cnn_explorer.gui.widgets.heat_map import HeatMap
from cnn_explorer.gui.widgets.panel import button

# Bigger pictures are shrunk: a 4000×4000 photo froze the page for seconds at every edit.
MAX_IMAGE_SIDE = 512
IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.bmp *.gif *.pgm *.ppm *.tif *.tiff);;All files (*)"


def _shrunk(size: QSize, max_side: int) -> QSize:
    """``size`` scaled to fit ``max_side`` × ``max_side``, aspect kept, at least 1 pixel a side
    (a 10000×1 strip scaled to 512×0, and Qt then refused to read it)."""
    fitted = size.scaled(max_side, max_side, Qt.KeepAspectRatio)
    return QSize(max(1, fitted.width()), max(1, fitted.height()))


def image_to_grey(path: str, max_side: int | None = None) -> np.ndarray:
    """The picture at ``path`` as grey levels 0-1, shape (height, width); ValueError if unreadable.

    With ``max_side``, a larger picture is shrunk (aspect kept) so that no side exceeds it.
    """
    reader = QImageReader(path)
    size = reader.size()
    if max_side is not None and size.isValid() and max(size.width(), size.height()) > max_side:
        reader.setScaledSize(_shrunk(size, max_side))
    image = reader.read()
    if image.isNull():
        # Qt refuses to decode pictures over its allocation limit (256 MB: 4 bytes a pixel)
        limit = QImageReader.allocationLimit() * 2 ** 20 // 4
        if size.isValid() and 0 < limit < size.width() * size.height():
            raise ValueError(f"{Path(path).name} is {size.width()}×{size.height()} pixels, too "
                             f"large to open (at most {limit / 1e6:.0f} million pixels): shrink "
                             "it in an image editor first")
        raise ValueError(f"could not read an image from {path} ({reader.errorString()})")
    if max_side is not None and max(image.width(), image.height()) > max_side:
        # formats that ignore the scaled size (and a size unknown before reading)
        image = image.scaled(_shrunk(image.size(), max_side), Qt.IgnoreAspectRatio,
                             Qt.SmoothTransformation)
    if image.hasAlphaChannel():        # transparent parts read as white paper, not as black
        flat = QImage(image.size(), QImage.Format_RGB32)
        flat.fill(Qt.white)
        painter = QPainter(flat)
        painter.drawImage(0, 0, image)
        painter.end()
        image = flat
    grey = image.convertToFormat(QImage.Format_Grayscale8)
    rows = np.frombuffer(grey.constBits(), np.uint8).reshape(grey.height(), grey.bytesPerLine())
    return rows[:, :grey.width()].astype(float) / 255.0


class Conv2DPage(ConvExplorerPage):
    """Input grid and kernel on the left; padded input, output and the current products on the right.

    Signals
    -------
    sigOutputChanged(object)
        the whole output feature map (2D float array) after every successful recompute.
    """

    sigOutputChanged = Signal(object)

    ndim = 2
    # the digit is a callable: reading the dataset takes a moment, so only when chosen
    data_presets = {**grid_presets(), "digit from MNIST": samples.digit}
    start_data = "guide's vertical edge"
    start_kernel = "prewitt x"

    def __init__(self, parent=None):
        self._drawn_input = None
        super().__init__(parent)
        self.load_button = button("Load an image…", "Any picture file; it is turned grey, 0 = black, 1 = white")
        self.data_panel.form.addRow(self.load_button)
        self.load_button.clicked.connect(self._on_load_image)
        share_keys(self)                 # Space presses the button when it has the focus

    def build_views(self):
        self.input_map = HeatMap("Input (padded)", "input", diverging=True)
        self.output_map = HeatMap("Output feature map", "output", diverging=True)
        self.patch_map = HeatMap("Window (input under the kernel)", "input", diverging=True)
        self.applied_map = HeatMap("× Kernel as applied", "kernel", diverging=True)
        self.products_map = HeatMap("= Products (summed below)", "output", diverging=True)
        grid = QGridLayout()
        grid.addWidget(self.input_map, 0, 0, 1, 3)
        grid.addWidget(self.output_map, 0, 3, 1, 3)
        grid.addWidget(self.patch_map, 1, 0, 1, 2)
        grid.addWidget(self.applied_map, 1, 2, 1, 2)
        grid.addWidget(self.products_map, 1, 4, 1, 2)
        # the window, kernel and products keep room for their numbers (a 5×5 kernel's too)
        grid.setRowStretch(0, 2)
        grid.setRowStretch(1, 1)
        self.frame.views.addLayout(grid, 1)

    # -- image files -----------------------------------------------------------------------
    def _on_load_image(self):
        start = keys.last_directory()
        path, _ = QFileDialog.getOpenFileName(self, "Load an image", start, IMAGE_FILTER)
        if path:
            self.load_image(path)

    def load_image(self, path: str) -> None:
        """Load the picture at ``path`` as grey input (undoable); show a message if unreadable."""
        try:
            grey = image_to_grey(path, MAX_IMAGE_SIDE)
        except ValueError as error:
            self.show_message(str(error))
            return
        keys.remember_directory(path)
        self.data_panel.request(grey, f"load {Path(path).name}")
        original = QImageReader(path).size()
        if original.isValid() and (original.height(), original.width()) != grey.shape:
            self.show_message(f"{Path(path).name} is {original.width()}×{original.height()} pixels: "
                              f"shrunk to {grey.shape[1]}×{grey.shape[0]} (at most "
                              f"{MAX_IMAGE_SIDE} on a side) so that every change redraws at once.")

    # -- output for the pooling page -------------------------------------------------------
    def current_output(self) -> np.ndarray | None:
        """The whole output feature map of the current (last valid) settings (read-only)."""
        return None if self.plan is None else self.plan.output

    def show_new_plan(self, plan, first=None) -> None:
        super().show_new_plan(plan, first)
        self.sigOutputChanged.emit(self.current_output())

    # -- drawing ---------------------------------------------------------------------------
    def show_plan(self, plan):
        padded, is_pad = np.asarray(plan.padded), np.asarray(plan.is_pad)
        # a kernel edit leaves the padded input as it was: don't redraw a big image for nothing
        # (the state's data is read-only, so the same array holds the same values)
        drawn = (self.state.data, plan.pads, plan.pad_mode, self._levels)
        if self._drawn_input is None or any(a is not b and a != b for a, b in
                                            zip(drawn[1:], self._drawn_input[1:])) \
                or drawn[0] is not self._drawn_input[0]:
            self.input_map.set_data(padded, levels=self._levels, dim_mask=is_pad)
            self._drawn_input = drawn
        self.input_map.set_padding(plan.pads)
        (top, bottom), (left, right) = plan.pads
        h, w = np.shape(plan.x)
        pad_text = (f" + padding {top},{bottom} (top, bottom), {left},{right} (left, right)"
                    if top or bottom or left or right else ", no padding")
        self.input_map.set_title(f"Input {h}×{w}{pad_text} = {padded.shape[0]}×{padded.shape[1]}")
        self.output_map.set_title("Output feature map {}×{}".format(*plan.output_shape))
        self.applied_map.set_data(np.asarray(plan.applied_kernel), levels=self._levels)
        self.applied_map.set_title("× Kernel as applied" + (" (flipped)" if plan.flip else ""))
        self._clear_hover()

    def show_step(self, step):
        self.input_map.set_window(self.window_cells(step), anchor=tuple(step.centre))
        self.output_map.set_window([tuple(step.index)])
        self.patch_map.set_data(np.asarray(step.patch), levels=self._levels)
        self.products_map.set_data(np.asarray(step.products), levels=self._levels)
        self.show_step_formula(step)
