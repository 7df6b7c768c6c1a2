"""What a classifier's outputs say: predicted classes and the confusion matrix."""

import numpy as np

from cnn_explorer.core.validation import as_int


def confusion_counts(true, predicted, num_classes):
    """(num_classes, num_classes) int64: ``counts[t, p]`` items of class t predicted as p.

    ``true`` and ``predicted`` are (N,) class indices in ``0 .. num_classes - 1``; anything else
    is a ValueError.
    """
    num_classes = as_int(num_classes, "num_classes")
    if not 1 <= num_classes <= 10_000:
        raise ValueError(f"num_classes must be from 1 to 10,000, got {num_classes}")
    true, predicted = (_classes(a, what, num_classes) for a, what in
                       ((true, "true classes"), (predicted, "predicted classes")))
    if true.shape != predicted.shape:
        raise ValueError(f"{len(true)} true classes but {len(predicted)} predicted ones")
    return np.bincount(true * num_classes + predicted,
                       minlength=num_classes * num_classes).reshape(num_classes, num_classes)


def row_shares(counts):
    """Each count of a confusion matrix (k, k) as a share of its row, its true class's images:
    (k, k) float64 in [0, 1], each row summing to 1 (to 0 for a class with no images)."""
    counts = np.asarray(counts) if isinstance(counts, (list, tuple, np.ndarray)) else None
    if counts is None or counts.ndim != 2 or counts.shape[0] != counts.shape[1] \
            or (counts.size and (counts.dtype.kind not in "iu" or counts.min() < 0)):
        raise ValueError("a confusion matrix is a square table of counts (whole numbers ≥ 0)")
    return counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)


def _classes(values, what, num_classes):
    arr = np.asarray(values) if isinstance(values, (list, tuple, np.ndarray)) else None
    if arr is None or arr.ndim != 1 or (arr.size and arr.dtype.kind not in "iu"):
        raise ValueError(f"the {what} must be a list of whole numbers")
    if arr.size and (arr.min() < 0 or arr.max() >= num_classes):
        raise ValueError(f"the {what} must lie in 0..{num_classes - 1}")
    return arr.astype(np.int64)


def predictions_of(probabilities):
    """Predicted class (N,) int64 and its probability (N,) from probabilities (N, classes)."""
    probabilities = np.asarray(probabilities) if isinstance(
        probabilities, (list, tuple, np.ndarray)) else None
    if probabilities is None or probabilities.ndim != 2 or probabilities.shape[1] == 0 \
            or probabilities.dtype.kind not in "iuf":
        raise ValueError("probabilities must be an array (N, classes) of numbers")
    predicted = probabilities.argmax(axis=1)
    return predicted, probabilities[np.arange(len(predicted)), predicted]
