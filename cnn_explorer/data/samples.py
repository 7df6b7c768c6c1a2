"""The sample digit the convolution pages offer, read from the bundled MNIST subset, and the
sample picture the Model page sends through a model (the digit, or a colour photo)."""

import importlib.util
from functools import lru_cache

import numpy as np

from cnn_explorer.core.validation import as_float_array, as_int, is_sequence
from cnn_explorer.data.idx import read_idx
from cnn_explorer.resources import resource_path

DIGIT_CLASS = 3
#: The bundled photo a model with a colour input is shown (``data.photos``).
SAMPLE_PHOTO = "chelsea"
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
    """``image`` (h0, w0), or (h0, w0, 3) colour for a 3-channel input, resized (nearest pixel)
    to an ``(h, w, c)`` model input.

    Returns ``(image (h, w) or (h, w, 3), batch (1, h, w, c))`` (a grey image in every channel),
    or None for inputs that are not images.
    """
    if not is_sequence(input_shape) or len(input_shape) != 3:
        return None
    h, w, c = (as_int(s, "each input size") for s in input_shape)
    if min(h, w, c) < 1 or h * w * c > MAX_VALUES:
        raise ValueError(f"an input of {h}×{w}×{c} cannot hold the sample digit: each size must "
                         f"be at least 1 and all of them at most {MAX_VALUES:,} values")
    colour = np.ndim(image) == 3
    image = as_float_array(image, name="image", ndim=3 if colour else 2)
    if colour and (c != 3 or image.shape[2] != 3):
        raise ValueError(f"a colour image (R, G, B) needs an input of 3 channels, not {c}")
    rows = np.arange(h) * image.shape[0] // h
    cols = np.arange(w) * image.shape[1] // w
    small = image[np.ix_(rows, cols)]
    return small, small[None] if colour else np.repeat(small[None, :, :, None], c, axis=-1)


def sample_for(input_shape: tuple) -> tuple[np.ndarray, np.ndarray] | None:
    """The picture to send through a model taking ``input_shape`` (h, w, c): the bundled cat
    photo (its centre square) for a colour input (c = 3, when Pillow is there to read it), the
    handwritten 3 otherwise, resized (nearest pixel) to h×w.

    Returns
    -------
    (image, batch) or None
        ``image`` (h, w) grey or (h, w, 3) colour in [0, 1], ``batch`` (1, h, w, c); None for
        inputs that are not images (as :func:`resized_for`).
    """
    picture = digit()
    if is_sequence(input_shape) and len(input_shape) == 3 and input_shape[2] == 3 \
            and importlib.util.find_spec("PIL") is not None:
        from cnn_explorer.data.photos import load_photo

        photo = load_photo(SAMPLE_PHOTO)
        side = min(photo.shape[:2])
        top, left = (photo.shape[0] - side) // 2, (photo.shape[1] - side) // 2
        picture = photo[top:top + side, left:left + side] / 255.0
    return resized_for(picture, input_shape)
