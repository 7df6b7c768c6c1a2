"""Inputs the convolution pages offer as presets: 1D signals and small 2D pictures.

Each is a plain float array sized to read cell by cell; the guide's own examples come from
``cnn_explorer.core.kernels``. The digit comes from the bundled MNIST subset when it is there.
"""

from functools import lru_cache

import numpy as np

from cnn_explorer.core import kernels
from cnn_explorer.resources import resource_path

SIGNAL_LENGTH = 12
GRID_SIZE = 8
DIGIT_CLASS = 3
# Used only if the bundled dataset is missing: a hand-drawn 3 on a 14×14 grid.
_FALLBACK_DIGIT = np.array([[int(ch) for ch in row] for row in (
    "00000000000000", "00011111100000", "00111111110000", "00100000111000", "00000000111000",
    "00000001110000", "00001111100000", "00001111110000", "00000000111000", "00000000011000",
    "00100000111000", "00111111110000", "00011111100000", "00000000000000")], dtype=float)


def signal_presets() -> dict[str, np.ndarray]:
    """1D signals by name: the guide's data, step, ramp, sine, noise and a square pulse."""
    n = SIGNAL_LENGTH
    t = np.arange(n)
    return {
        "guide's signal": np.asarray(kernels.GUIDE_SIGNAL_1D, dtype=float),
        "step": (t >= n // 2).astype(float),
        "ramp": t.astype(float),
        "sine": np.round(np.sin(2 * np.pi * t / n), 3),
        "noise": np.round(np.random.default_rng(7).normal(0.0, 1.0, n), 2),
        "square pulse": ((t >= n // 3) & (t < 2 * n // 3)).astype(float),
    }


def grid_presets() -> dict[str, object]:
    """2D inputs by name; the digit is a callable because reading the dataset takes a moment."""
    g = GRID_SIZE
    rows, cols = np.indices((g, g))
    return {
        "guide's vertical edge": np.asarray(kernels.GUIDE_EDGE_IMAGE, dtype=float),
        "checkerboard": ((rows // 2 + cols // 2) % 2).astype(float),
        "diagonal line": (rows == cols).astype(float),
        "digit from MNIST": digit,
    }


def digit() -> np.ndarray:
    """A handwritten 3 scaled to 0-1 (28×28 from the bundled MNIST subset, else 14×14)."""
    return _load_digit().copy()


@lru_cache(maxsize=1)
def _load_digit() -> np.ndarray:
    try:
        from cnn_explorer.data.idx import read_idx

        images = read_idx(resource_path("mnist-5k", "images-idx3-ubyte.gz"))
        labels = read_idx(resource_path("mnist-5k", "labels-idx1-ubyte.gz"))
    except (OSError, ValueError, ImportError):
        return _FALLBACK_DIGIT.copy()
    first = int(np.flatnonzero(labels == DIGIT_CLASS)[0])
    return images[first].astype(float) / 255.0
