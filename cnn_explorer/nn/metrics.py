"""What a classifier's outputs say: predicted classes and the confusion matrix."""

import numpy as np


def confusion_counts(true, predicted, num_classes):
    """(num_classes, num_classes) int64: ``counts[t, p]`` items of class t predicted as p.

    ``true`` and ``predicted`` are (N,) class indices in ``0 .. num_classes - 1``.
    """
    true = np.asarray(true, dtype=np.int64)
    predicted = np.asarray(predicted, dtype=np.int64)
    return np.bincount(true * num_classes + predicted,
                       minlength=num_classes * num_classes).reshape(num_classes, num_classes)


def predictions_of(probabilities):
    """Predicted class (N,) int64 and its probability (N,) from probabilities (N, classes)."""
    predicted = probabilities.argmax(axis=1)
    return predicted, probabilities[np.arange(len(predicted)), predicted]
