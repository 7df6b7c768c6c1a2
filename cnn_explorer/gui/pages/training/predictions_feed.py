"""Predictions, feature maps, drawing and confusion matrix for the training page's views, from the
GUI thread's own copy of the model (or from what the worker computed)."""

import numpy as np
from PySide6.QtCore import QObject, Signal

from cnn_explorer.data import samples
from cnn_explorer.data.digits import as_mnist_digit
from cnn_explorer.nn.metrics import confusion_counts, predictions_of
from cnn_explorer.gui.pages.training.live_views import FIRST_TEST_IMAGE
from cnn_explorer.gui.widgets.feature_maps import INPUT

GRID_IMAGES = 24
TEST_TITLE = "Test images: predicted class and confidence (red: wrong)"


def _input_maps(image):
    """An image (H, W) grey or (H, W, 3) colour, uint8, as the feature maps' ``input`` (H, W, C)
    in [0, 1]: a colour one is drawn in colour there."""
    maps = image.astype(np.float32) / 255.0
    return maps if maps.ndim == 3 else maps[:, :, None]


NO_CONFUSION = ("No confusion matrix of this model on these images yet: training fills it in "
                "(rows true class, columns predicted).")


class PredictionsFeed(QObject):
    """Predictions, feature maps, drawing and confusion matrix of ``model`` (the page's clone).

    The page sets ``model`` (never the worker's model), ``dataset``, the validation images
    (``set_validation``) and ``enabled`` (False while the model does not fit the data). While
    training, the worker runs ``make_probe()``'s function and the page passes its result to
    ``show_probe``, so that the GUI thread only draws.

    Signals
    -------
    sigSelectionChanged()
        The user chose other images for the grid or the feature maps.
    """

    sigSelectionChanged = Signal()

    def __init__(self, views, parent=None):
        super().__init__(parent)
        self.views = views
        self.model = None
        self.dataset = None
        self.val = (None, None)
        self.val_predictions = self.val_predicted = None
        self.enabled = False
        self._data_only = False
        self._grid_source = (np.zeros((0, 28, 28), np.uint8), np.zeros(0, np.int64))
        self._grid_index = np.arange(0)
        self._feature_index = 0
        views.canvas.sigChanged.connect(self.show_drawing)
        views.clear_button.clicked.connect(views.canvas.clear)
        views.predictions.sigImageClicked.connect(self._on_image_clicked)
        views.confusion.sigCellClicked.connect(self._on_confusion_clicked)
        views.show_test.clicked.connect(self.show_test_images)

    # -- what the page calls ---------------------------------------------------------------
    def set_validation(self, x_val, y_val):
        """The validation images (N, H, W[, 3]) and labels (N,) the confusion matrix is about."""
        if x_val is None or self.val[0] is None or not np.array_equal(self.val[0], x_val):
            self.clear_confusion()  # its counts were of other images (another split or seed)
        self.val = (x_val, y_val)

    def clear_confusion(self):
        """Forget the matrix: it was another model's or other data's (a click then listed images
        by the old predictions, beside the new model's)."""
        self.val_predictions = self.val_predicted = None
        self.views.confusion.set_counts(np.zeros((0, 0), int), ())
        self.views.confusion.set_title(NO_CONFUSION)
        if not self.views.show_test.isHidden() and self.dataset is not None:
            self.use_test_images()      # the grid showed one of its cells; the page redraws it

    def refresh_all(self):
        if self.model is not None:
            self.views.show_kernels([w for w in self.model.get_weights() if w.ndim == 4])
            self.refresh_predictions()

    def make_probe(self):
        """A function of a model giving what the grid and feature maps show (any thread).

        It holds its own references to the images, so the worker thread can call it while the
        user picks other images here.
        """
        images = self._grid_source[0][self._grid_index]
        labels = self._grid_source[1][self._grid_index]
        feature = images[self._feature_index] if len(images) else None

        def probe(model):
            probs = model.predict(images) if len(images) else None
            activations = model.activations(feature[None]) if feature is not None else []
            return images, labels, probs, feature, activations
        return probe

    def refresh_predictions(self):
        """Predictions of the grid, feature maps of the chosen image, the drawing's bars."""
        if self.enabled:
            self.show_probe(self.make_probe()(self.model))
            if self._data_only:                 # the model fits again: undo the notices
                self._data_only = False
                self.views.predictions_title.setText(TEST_TITLE)
                self.show_drawing(self.views.canvas.image())
        elif self.dataset is not None:
            self._show_data_only()

    def _show_data_only(self):
        """The data's own images without predictions: the model does not fit them (the previous
        data's predictions stayed up, as if they were about these images)."""
        images = self._grid_source[0][self._grid_index]
        self.views.predictions.set_items(images, self._grid_source[1][self._grid_index],
                                         class_names=self.dataset.class_names)
        self.views.predictions_title.setText("Test images (no predictions: the model does not "
                                             "fit this data)")
        feature = images[self._feature_index] if len(images) else None
        self.views.feature_maps.set_activations(
            [] if feature is None else [(INPUT, _input_maps(feature))])
        self._data_only = True
        self.views.draw_result.setText("No prediction: the model does not fit this data")
        self.views.bars.set_probabilities(np.zeros(self.dataset.num_classes),
                                          self.dataset.class_names)

    def show_probe(self, result):
        """Draw what a probe computed (here or in the worker thread)."""
        if not self.enabled:
            return
        images, labels, probs, feature, activations = result
        if probs is not None:
            predicted, confidence = predictions_of(probs)
            self.views.predictions.set_items(images, labels, predicted, confidence,
                                             self.dataset.class_names)
        if feature is not None:
            self.views.feature_maps.set_activations(
                [(INPUT, _input_maps(feature))]
                + [(name, a[0]) for name, a in activations])
        else:   # an empty confusion cell: the last image's maps stayed up
            self.views.feature_maps.set_activations([])
        drawing = self.views.canvas.image()
        if drawing.any() or self.views.bars.probabilities is None:
            self.show_drawing(drawing)

    def show_confusion(self, probabilities, when):
        """The confusion matrix of the validation images from their probabilities (N, classes)."""
        y_val = self.val[1]
        self.val_predictions = probabilities
        self.val_predicted = probabilities.argmax(axis=1)     # once: every cell click reads it
        self.views.confusion.set_counts(
            confusion_counts(y_val, self.val_predicted, self.dataset.num_classes),
            self.dataset.class_names)
        self.views.confusion.set_title(
            f"{len(y_val):,} validation images: rows true class, columns predicted (click a cell "
            "to see its images)", f"Counted {when}")

    def show_test_images(self):
        self.use_test_images()
        self._selection_changed()

    def use_test_images(self):
        self._grid_source = (self.dataset.x_test, self.dataset.y_test)
        self._grid_index = np.arange(min(GRID_IMAGES, len(self.dataset.x_test)))
        self._first_image(FIRST_TEST_IMAGE)
        self.views.predictions_title.setText(TEST_TITLE)
        self.views.show_test.hide()

    def show_drawing(self, image):
        """Prediction bars for the drawn image (28, 28) in [0, 1], made into an MNIST-style digit
        first (shown beside the drawing: it is what the network sees, resized to its input)."""
        seen = as_mnist_digit(image)
        self.views.seen.set_image(seen)
        if not self.enabled:
            return
        # a model for other images (32×32×3) is given the digit at its size, in every channel
        probs = self.model.predict(samples.resized_for(seen, self.model.input_shape)[1])[0]
        self.views.bars.set_probabilities(probs, self.dataset.class_names)
        best = int(probs.argmax())
        self.views.draw_result.setText(
            f"Looks like <b>{self.dataset.class_names[best]}</b> ({100 * probs[best]:.0f}%)"
            if image.any() else "Draw a digit")

    # -- user actions ----------------------------------------------------------------------
    def _on_image_clicked(self, index):
        if self.enabled:
            self._feature_index = index
            self.views.feature_title.setText(f"Feature maps of the selected image ({index + 1})")
            self._selection_changed()

    def _on_confusion_clicked(self, true, predicted):
        x_val, y_val = self.val
        if self.val_predictions is None or x_val is None:
            return
        cell = np.flatnonzero((y_val == true) & (self.val_predicted == predicted))
        names = self.dataset.class_names
        self.views.predictions_title.setText(
            f"{len(cell)} validation image(s) of {names[true]} predicted as {names[predicted]}"
            + (f" (first {GRID_IMAGES})" if len(cell) > GRID_IMAGES else ""))
        self.views.show_test.show()
        self._grid_source = (x_val, y_val)
        self._grid_index = cell[:GRID_IMAGES]
        self._first_image("Feature maps of this cell's image 1 (click an image below to choose)"
                          if len(cell) else "No feature maps: this cell has no images")
        if len(cell) == 0:
            self.views.predictions.set_items(np.zeros((0, 28, 28), np.uint8), [], [], [], names)
        self._selection_changed()

    def _first_image(self, title):
        """The feature maps are of the grid's first image now: mark it and say so (the title and
        the mark stayed on the image clicked before, e.g. "(6)")."""
        self._feature_index = 0
        self.views.predictions.set_selected(0)
        self.views.feature_title.setText(title)

    def _selection_changed(self):
        self.refresh_predictions()
        self.sigSelectionChanged.emit()
