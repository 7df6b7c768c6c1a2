"""Named kernels a student meets first, the guide's example data, and kernel validation."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .validation import as_float_array, as_int, frozen, is_sequence, shape_text

__all__ = ["Preset", "PRESETS", "presets", "validate_kernel", "gaussian_weights",
           "GUIDE_SIGNAL_1D", "GUIDE_EDGE_IMAGE"]


@dataclass(frozen=True, eq=False)
class Preset:
    """A named kernel: ``values`` (read-only float64), a one-line ``description``, ``dims`` 1 or 2."""

    name: str
    values: np.ndarray
    description: str
    dims: int


def _binomial(n: int) -> np.ndarray:
    # halves, not ones: the row sums to 1 at every length (Pascal's numbers pass 1e308 at n=1030,
    # and the weights then came out all 0 or NaN); exact in binary for the small sizes
    row = np.array([1.0])
    for _ in range(n - 1):
        row = np.convolve(row, [0.5, 0.5])
    return row


#: Longest side :func:`gaussian_weights` builds (its cost grows with the square of a side).
MAX_GAUSSIAN_SIDE = 1024


def _weights_shape(shape, what: str) -> tuple[int, ...]:
    items = tuple(shape) if is_sequence(shape) else (shape,)
    if len(items) > 2:
        raise ValueError(f"weights have 1 or 2 axes (got {len(items)})")
    sizes = tuple(as_int(s, "the weights' size") for s in items)
    if not sizes or any(s < 1 for s in sizes):
        raise ValueError(f"weights need a shape of at least 1 per axis (got {sizes})")
    if max(sizes) > MAX_GAUSSIAN_SIDE:
        raise ValueError(f"{what} weights {shape_text(sizes)} are too large: at most "
                         f"{MAX_GAUSSIAN_SIDE} per side")
    return sizes


def gaussian_weights(shape) -> np.ndarray:
    """Binomial (discrete Gaussian) weights of ``shape`` that sum to 1; the centre counts most.

    Parameters
    ----------
    shape : int or tuple of int
        ``n``, ``(n,)`` or ``(rows, cols)``, each at least 1.

    Returns
    -------
    ndarray, float64, ``shape``
        Outer product of Pascal's-triangle rows, e.g. ``[[1, 2, 1], [2, 4, 2], [1, 2, 1]] / 16``.

    Raises
    ------
    ValueError
        More than 2 axes, or a size that is not a whole number, below 1, or above
        :data:`MAX_GAUSSIAN_SIDE`.
    """
    out = np.array(1.0)
    for s in _weights_shape(shape, "Gaussian"):
        out = np.multiply.outer(out, _binomial(s))
    return out / out.sum()


def uniform_weights(shape) -> np.ndarray:
    """Equal weights summing to 1, shape ``shape`` (as for :func:`gaussian_weights`): weighted
    pooling with them is average pooling without padding."""
    sizes = _weights_shape(shape, "uniform")
    return np.full(sizes, 1.0 / int(np.prod(sizes)))


_PRESETS_1D = [
    ("derivative [-1, 1]", [-1, 1],
     "change from one value to the next: the guide's discrete derivative (use anchor 1)"),
    ("central difference [-1, 0, 1]", [-1, 0, 1],
     "change across a value, from its left neighbour to its right one"),
    ("smoothing [1, 2, 1]/4", np.array([1, 2, 1]) / 4,
     "averages each value with its neighbours: removes small wiggles"),
    ("identity [0, 1, 0]", [0, 1, 0], "copies the signal unchanged (shows what padding does)"),
]

_PRESETS_2D = [
    ("prewitt x", [[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]],
     "horizontal change: bright on vertical edges (the guide's 2D example)"),
    ("prewitt y", [[-1, -1, -1], [0, 0, 0], [1, 1, 1]],
     "vertical change: bright on horizontal edges"),
    ("sobel x", [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]],
     "vertical edges, weighting the centre row more (less noisy than Prewitt)"),
    ("sobel y", [[-1, -2, -1], [0, 0, 0], [1, 2, 1]],
     "horizontal edges, weighting the centre column more"),
    ("scharr x", [[-3, 0, 3], [-10, 0, 10], [-3, 0, 3]],
     "vertical edges with the most even response in every direction"),
    ("scharr y", [[-3, -10, -3], [0, 0, 0], [3, 10, 3]],
     "horizontal edges with the most even response in every direction"),
    ("laplacian 4", [[0, 1, 0], [1, -4, 1], [0, 1, 0]],
     "edges in any direction: how a pixel differs from its 4 neighbours"),
    ("laplacian 8", [[1, 1, 1], [1, -8, 1], [1, 1, 1]],
     "edges in any direction: how a pixel differs from all 8 neighbours"),
    ("box blur 3×3", np.ones((3, 3)) / 9, "blurs: every output is the mean of a 3×3 block"),
    ("gaussian 3×3", gaussian_weights((3, 3)),
     "blurs gently: nearby pixels count more than far ones"),
    ("gaussian 5×5", gaussian_weights((5, 5)), "blurs more: a wider, smooth average"),
    ("sharpen", [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
     "sharpens: adds back the difference from the neighbours"),
    ("emboss", [[-2, -1, 0], [-1, 1, 1], [0, 1, 2]],
     "relief: bright where the image gets brighter towards the bottom right"),
    ("identity 3×3", [[0, 0, 0], [0, 1, 0], [0, 0, 0]], "copies the image unchanged"),
]

#: Every preset by name, 1D first.
PRESETS: dict[str, Preset] = {
    name: Preset(name, frozen(values, np.float64), description, dims)
    for dims, table in ((1, _PRESETS_1D), (2, _PRESETS_2D))
    for name, values, description in table
}

#: The guide's 1D signal: a plateau of ones; ``[-1, 1]`` turns it into +1 where it rises, -1 where
#: it falls.
GUIDE_SIGNAL_1D = frozen([0, 0, 1, 1, 1, 0, 0], np.float64)

#: A vertical-edge image, dark (0) on the left and bright (1) on the right; Prewitt x lights the edge.
GUIDE_EDGE_IMAGE = frozen([[0, 0, 0, 1, 1, 1]] * 6, np.float64)


def presets(dims: int) -> list[Preset]:
    """The presets for 1D (``dims=1``) or 2D (``dims=2``) data, in menu order."""
    if dims not in (1, 2):
        raise ValueError(f"dims must be 1 or 2 (got {dims!r})")
    return [p for p in PRESETS.values() if p.dims == dims]


def validate_kernel(values, *, dims: int, max_size: int = 7) -> np.ndarray:
    """Check typed or pasted kernel values and return them as a new float64 array.

    Parameters
    ----------
    values : array_like
        A list of numbers (``dims=1``) or rows of numbers (``dims=2``).
    dims : {1, 2}
    max_size : int
        Largest allowed length of each axis.

    Returns
    -------
    ndarray, float64, shape (k,) or (kh, kw)

    Raises
    ------
    ValueError
        Empty, NaN or infinite, text, ragged rows, wrong number of dimensions, or larger than
        ``max_size`` on some axis (e.g. a 500×500 paste).
    """
    if dims not in (1, 2):
        raise ValueError(f"dims must be 1 or 2 (got {dims!r})")
    max_size = as_int(max_size, "the largest kernel size")
    kernel = np.array(as_float_array(values, name="kernel", ndim=dims))
    if max(kernel.shape) > max_size:
        limit = str(max_size) if dims == 1 else f"{max_size}×{max_size}"
        raise ValueError(f"kernel {shape_text(kernel.shape)} is larger than the {limit} limit")
    return kernel
