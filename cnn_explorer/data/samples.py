"""The sample digit the convolution pages offer, read from the bundled MNIST subset."""

from functools import lru_cache

import numpy as np

from cnn_explorer.core.validation import as_float_array, as_int, is_sequence
from cnn_explorer.data.idx import read_idx
from cnn_explorer.resources import resource_path

DIGIT_CLASS = 3
#: Most values a resized sample may hold (the engine's limit for one image's layer output).
MAX_VALUES = 4_000_000
# Used only if the bundled dataset is missing: a hand-drawn 3 on a 14×14 grid.
_FALLBACK_DIGIT = np.array([[int(ch) for ch in row] for row in (
    "00000000000000", "00011111100000", "00111111110000", "00100000111000", "00000000111000",
    "00000001110000", "00001111100000", "00001111110000", "00000000111000", "00000000011000",
    "00100000111000", "00111111110000", "00011111100000", "00000000000000")], dtype=float)


def digit() -> np.ndarray:
    """A handwritten 3 scaled to 0-1, shape (28, 28) from the bundled subset, else (14, 14)."""
    return _load_digit().copy()


@lru_cache(maxsize=1)
def _load_digit() -> np.ndarray:
    try:
        images = read_idx(resource_path("mnist-5k", "images-idx3-ubyte.gz"))
        labels = read_idx(resource_path("mnist-5k", "labels-idx1-ubyte.gz"))
    except (OSError, ValueError):
        return _FALLBACK_DIGIT.copy()
    first = int(np.flatnonzero(labels == DIGIT_CLASS)[0])
    return images[first].astype(float) / 255.0


def resized_for(image: np.ndarray, input_shape: tuple) -> tuple[np.ndarray, np.ndarray] | None:
    """``image`` (h0, w0) resized (nearest pixel) to an ``(h, w, c)`` model input.

    Returns ``(image (h, w), batch (1, h, w, c))``, or None for inputs that are not images.
    """
    if not is_sequence(input_shape) or len(input_shape) != 3:
        return None
    h, w, c = (as_int(s, "each input size") for s in input_shape)
    if min(h, w, c) < 1 or h * w * c > MAX_VALUES:
        raise ValueError(f"an input of {h}×{w}×{c} cannot hold the sample digit: each size must "
                         f"be at least 1 and all of them at most {MAX_VALUES:,} values")
    image = as_float_array(image, name="image", ndim=2)
    rows = np.arange(h) * image.shape[0] // h
    cols = np.arange(w) * image.shape[1] // w
    small = image[np.ix_(rows, cols)]
    return small, np.repeat(small[None, :, :, None], c, axis=-1)
