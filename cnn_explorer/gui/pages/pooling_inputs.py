"""Inputs the pooling page offers as presets: the guide's edge feature map, a checkerboard, random.

Pooling works on feature maps, so the guide's example is the map its Prewitt filter makes from its
vertical-edge image, computed by ``cnn_explorer.core`` exactly as the Convolution 2D page shows it.
"""

import numpy as np

from cnn_explorer.core import kernels, ops

RANDOM_RANGE = (-4, 9)   # small integers, some negative so that ReLU has something to do


def guide_feature_map() -> np.ndarray:
    """The guide's vertical-edge image filtered by Prewitt x with "same" padding."""
    image = np.asarray(kernels.GUIDE_EDGE_IMAGE, dtype=float)
    return ops.conv2d(image, kernels.PRESETS["prewitt x"].values, padding="same")


def checkerboard(shape: tuple[int, int]) -> np.ndarray:
    """2×2 blocks of 0 and 1: max pooling with a 2×2 window keeps every block."""
    rows, cols = np.indices(shape)
    return ((rows // 2 + cols // 2) % 2).astype(float)


def random_grid(shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """Small random integers, easy to compare by eye."""
    return rng.integers(RANDOM_RANGE[0], RANDOM_RANGE[1] + 1, size=shape).astype(float)


PRESET_NAMES = ("guide's edge feature map", "checkerboard", "random")


def preset(name: str, shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """The preset called ``name``; checkerboard and random take ``shape``, the guide's has its own."""
    if name == "guide's edge feature map":
        return guide_feature_map()
    if name == "checkerboard":
        return checkerboard(shape)
    if name == "random":
        return random_grid(shape, rng)
    raise ValueError(f"unknown preset {name!r}")
