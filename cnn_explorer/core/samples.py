"""Inputs the explorer pages offer as presets: 1D signals, small 2D pictures, feature maps.

Each is a plain float array sized to read cell by cell; the guide's own examples come from
:mod:`cnn_explorer.core.kernels`. The handwritten digit comes from the bundled dataset, so it is
read by :func:`cnn_explorer.data.samples.digit`, not here.
"""

import numpy as np

from cnn_explorer.core import kernels, ops

SIGNAL_LENGTH = 12
GRID_SIZE = 8
RANDOM_RANGE = (-4, 9)   # small integers, some negative so that ReLU has something to do


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


def grid_presets() -> dict[str, np.ndarray]:
    """Small 2D inputs by name: the guide's vertical edge, a checkerboard, a diagonal line."""
    g = GRID_SIZE
    rows, cols = np.indices((g, g))
    return {
        "guide's vertical edge": np.asarray(kernels.GUIDE_EDGE_IMAGE, dtype=float),
        "checkerboard": checkerboard((g, g)),
        "diagonal line": (rows == cols).astype(float),
    }


def guide_feature_map() -> np.ndarray:
    """The guide's vertical-edge image filtered by Prewitt x with "same" padding."""
    image = np.asarray(kernels.GUIDE_EDGE_IMAGE, dtype=float)
    return ops.conv2d(image, kernels.PRESETS["prewitt x"].values, padding="same")


def checkerboard(shape: tuple[int, int]) -> np.ndarray:
    """2×2 blocks of 0 and 1, shape ``shape``: max pooling with a 2×2 window keeps every block."""
    rows, cols = np.indices(shape)
    return ((rows // 2 + cols // 2) % 2).astype(float)


def random_grid(shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """Small random integers of shape ``shape``, easy to compare by eye."""
    return rng.integers(RANDOM_RANGE[0], RANDOM_RANGE[1] + 1, size=shape).astype(float)


POOL_PRESET_NAMES = ("guide's edge feature map", "checkerboard", "random")


def pool_preset(name: str, shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """The pooling preset called ``name``; checkerboard and random take ``shape``."""
    if name == "guide's edge feature map":
        return guide_feature_map()
    if name == "checkerboard":
        return checkerboard(shape)
    if name == "random":
        return random_grid(shape, rng)
    raise ValueError(f"unknown preset {name!r}")
