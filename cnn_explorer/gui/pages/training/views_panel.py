"""The training page's live views: curves, filters, feature maps, predictions, confusion, drawing."""

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QGroupBox, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QSpinBox,
                               QSplitter, QVBoxLayout, QWidget)

from cnn_explorer.gui.widgets import colours
from cnn_explorer.gui.widgets.confusion_matrix import ConfusionMatrixView
from cnn_explorer.gui.widgets.curves import Curves
from cnn_explorer.gui.widgets.draw_canvas import DrawCanvas
from cnn_explorer.gui.widgets.feature_maps import FeatureMaps
from cnn_explorer.gui.widgets.filter_grid import FilterGrid
from cnn_explorer.gui.widgets.prediction_grid import PredictionGrid


FIRST_TEST_IMAGE = "Feature maps of test image 1 (click an image below to choose)"


def _group(title, *widgets, stretch=None):
    group = QGroupBox(title)
    layout = QVBoxLayout(group)
    layout.setContentsMargins(6, 4, 6, 4)
    for i, widget in enumerate(widgets):
        if isinstance(widget, QWidget):
            layout.addWidget(widget, (stretch or [0] * len(widgets))[i])
        else:
            layout.addLayout(widget)
    return group


class ProbabilityBars(QWidget):
    """One bar per class: the model's probability for the drawn image."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.probabilities = None
        self._plot = pg.PlotWidget()
        self._plot.setBackground("w")
        self._plot.setMenuEnabled(False)
        self._plot.setMouseEnabled(False, False)
        self._plot.hideButtons()
        self._plot.setYRange(0, 1, padding=0)
        self._plot.getAxis("left").setTicks([[(0, "0"), (0.5, ".5"), (1, "1")]])
        for side in ("left", "bottom"):
            self._plot.getAxis(side).setTextPen("#333333")
        self._bars = pg.BarGraphItem(x=[], height=[], width=0.7, brush=colours.SELECTED)
        self._plot.addItem(self._bars)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._plot)
        self.setMinimumHeight(90)

    def set_probabilities(self, probabilities, class_names):
        probabilities = np.asarray(probabilities, dtype=float)
        self.probabilities = probabilities
        k = len(probabilities)
        brushes = [colours.SELECTED] * k
        brushes[int(probabilities.argmax())] = colours.OUTPUT
        self._bars.setOpts(x=np.arange(k), height=probabilities, brushes=brushes)
        names = [str(c)[:5] for c in class_names]
        self._plot.getAxis("bottom").setTicks([list(enumerate(names))])
        self._plot.setXRange(-0.6, k - 0.4, padding=0)


class TrainingViews(QWidget):
    """All the live views; the page feeds them numbers (the views compute nothing)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.curves = Curves()
        self.filters1 = FilterGrid("First conv layer")
        self.filters2 = FilterGrid("Second conv layer", columns=16)
        self.channel = QSpinBox()
        self.channel.setToolTip("The input channel of the second conv layer whose weights are shown")
        self.channel.setPrefix("input channel ")
        channel_row = QHBoxLayout()
        channel_row.addWidget(self.channel)
        channel_row.addStretch(1)
        self.feature_maps = FeatureMaps()
        self.feature_title = QLabel(FIRST_TEST_IMAGE)
        self.predictions = PredictionGrid(columns=8)
        self.predictions.setToolTip("Click an image to see its feature maps above")
        self.predictions_title = QLabel("Test images: predicted class and confidence")
        self.predictions_title.setWordWrap(True)
        self.predictions_title.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        self.show_test = QPushButton("Back to test images")
        self.show_test.setToolTip("Show the test images again instead of one confusion cell's")
        self.show_test.hide()
        title_row = QHBoxLayout()
        title_row.addWidget(self.predictions_title, 1)
        title_row.addWidget(self.show_test)
        self.confusion = ConfusionMatrixView()
        self.canvas = DrawCanvas()
        self.clear_button = QPushButton("Clear")
        self.clear_button.setToolTip("Wipe the drawing to draw another digit")
        self.draw_result = QLabel("Draw a digit")
        self.draw_result.setAlignment(Qt.AlignCenter)
        self.bars = ProbabilityBars()
        draw_row = QHBoxLayout()
        draw_row.addWidget(self.draw_result, 1)
        draw_row.addWidget(self.clear_button)

        filters = QHBoxLayout()
        filters.addWidget(self.filters1, 1)
        second = QVBoxLayout()
        second.addWidget(self.filters2, 1)
        second.addLayout(channel_row)
        filters.addLayout(second, 2)
        top = QSplitter(Qt.Horizontal)
        top.addWidget(_group("Loss and accuracy", self.curves))
        filters_box = QGroupBox("Filters (weights)")
        filters_box.setLayout(filters)
        top.addWidget(filters_box)
        bottom = QSplitter(Qt.Horizontal)
        bottom.addWidget(_group("Predictions", title_row, self.predictions, stretch=[0, 1]))
        bottom.addWidget(_group("Validation", self.confusion))
        bottom.addWidget(_group("Draw a digit", self.canvas, draw_row, self.bars,
                                stretch=[3, 0, 2]))
        rows = QSplitter(Qt.Vertical)
        rows.addWidget(top)
        rows.addWidget(_group("Feature maps", self.feature_title, self.feature_maps,
                              stretch=[0, 1]))
        rows.addWidget(bottom)
        for splitter in (top, bottom, rows):
            splitter.setChildrenCollapsible(False)
        top.setSizes([450, 530])
        bottom.setSizes([390, 330, 260])
        rows.setSizes([250, 215, 325])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(rows)

    def show_kernels(self, kernels):
        """Show the first two conv layers' kernels, each (kh, kw, cin, cout)."""
        if len(kernels) == 0:
            self.filters1.clear("This model has no Conv2D layer: no filters to show.")
        else:
            first = kernels[0]
            self.filters1.set_filters(np.moveaxis(first[:, :, 0, :], -1, 0))
            self.filters1.set_title(f"First conv layer: {first.shape[3]} filters "
                                    f"{first.shape[0]}×{first.shape[1]}")
        if self.filters2.isHidden() == (len(kernels) > 1):
            self.filters2.setVisible(len(kernels) > 1)
            self.channel.setVisible(len(kernels) > 1)
        if len(kernels) > 1:
            second = kernels[1]
            if self.channel.maximum() != second.shape[2] - 1:  # setMaximum re-lays the window out
                self.channel.setMaximum(second.shape[2] - 1)
            self.filters2.set_filters(np.moveaxis(second[:, :, self.channel.value(), :], -1, 0))
            self.filters2.set_title(f"Second conv layer: {second.shape[3]} filters "
                                    f"{second.shape[0]}×{second.shape[1]}, weights on input channel "
                                    f"{self.channel.value()}")

    def reset_levels(self):
        self.filters1.reset_level()
        self.filters2.reset_level()
