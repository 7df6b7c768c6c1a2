"""Pooling, exactly: max, average, L2 and weighted windows, each sum in raster order, so a step
record that adds the same terms in the same order gets bit-for-bit the same number; and the
cell max pooling keeps (:func:`pool_winner`)."""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from . import padding as _pad
from .op_shared import check_fit, check_terms, finite_result, per_output, raster_sum
from .validation import as_bool, as_float_array, as_text, per_axis, shape_text

POOL_KINDS = ("max", "avg", "l2", "weighted", "global_max", "global_avg")


class PoolSetup(NamedTuple):
    """Everything a pooling needs once the arguments are checked (shared with ``steps``)."""

    x: np.ndarray
    size: tuple                 # window shape
    stride: tuple
    pads: tuple                 # ((before, after), ...) incl. the extra cells ceil_mode reaches
    padded: np.ndarray          # -inf on pad cells for max kinds, 0 otherwise
    is_pad: np.ndarray
    kind: str
    weights: np.ndarray | None  # window-shaped, for kind="weighted"
    ceil_mode: bool
    output_shape: tuple


def pool_setup(x, size, ndim, *, stride=None, padding=0, kind="max", weights=None,
               ceil_mode=False) -> PoolSetup:
    """Check pooling arguments and pad the input (see :func:`pool2d` for their meaning)."""
    x = as_float_array(x, name="input", ndim=ndim)
    ceil_mode = as_bool(ceil_mode, "ceil_mode")
    kind = as_text(kind, "pooling kind", POOL_KINDS)
    if kind.startswith("global_"):
        # One window over the whole input: size, stride, padding and ceil_mode play no part.
        size = stride = x.shape
        pads = ((0, 0),) * ndim
        out_shape = (1,) * ndim
    else:
        if size is None:
            raise ValueError("pooling needs a window size (e.g. 2 for 2×2 windows)")
        size = per_axis(size, ndim, "pool size")
        stride = size if stride is None else per_axis(stride, ndim, "stride")
        pads = _pad.resolve_padding(padding, size)
        check_fit("window", size, x.shape, pads)
        out_shape = tuple(_pad.output_length(n, k, stride=s, pad=p, ceil_mode=ceil_mode)
                          for n, k, s, p in zip(x.shape, size, stride, pads))
        _check_windows_see_data(x.shape, size, stride, pads, out_shape)
        # ceil_mode's last window may reach past the padding: those cells count as padding too.
        pads = tuple((b, max(a, (o - 1) * s + k - n - b))
                     for n, k, s, (b, a), o in zip(x.shape, size, stride, pads, out_shape))
    if kind == "weighted":
        if weights is None:
            raise ValueError("weighted pooling needs weights with the window's shape")
        weights = as_float_array(weights, name="weights", ndim=ndim).copy()
        if weights.shape != tuple(size):
            raise ValueError(f"weights must have the window's shape {shape_text(size)} "
                             f"(got {shape_text(weights.shape)})")
    else:
        weights = None
    fill = -np.inf if kind in ("max", "global_max") else 0.0
    padded = _pad.pad(x, pads, "zeros", value=fill)
    stride = tuple(min(s, n) for s, n in zip(stride, padded.shape))     # as in conv_setup
    check_terms("pooling", "window", math.prod(size), out_shape)
    return PoolSetup(x, tuple(size), tuple(stride), pads, padded, _pad.pad_mask(x.shape, pads),
                     kind, weights, ceil_mode, out_shape)


def _check_windows_see_data(x_shape, size, stride, pads, out_shape) -> None:
    # A window made only of padding has no maximum and no average: refuse such padding.
    for n, k, s, (before, after), o in zip(x_shape, size, stride, pads, out_shape):
        if before >= k:
            raise ValueError(f"padding {before} is as wide as the {k}-wide window: the first "
                             f"window would cover only padding (use at most {k - 1})")
        if (o - 1) * s >= before + n:
            raise ValueError(f"padding {after} is as wide as the {k}-wide window: the last "
                             f"window would cover only padding (use at most {k - 1})")


def pool_windows(setup: PoolSetup, values: np.ndarray) -> np.ndarray:
    """Every window of ``values`` (an array shaped like ``setup.padded``), flattened.

    Returns
    -------
    ndarray, shape output_shape + (window cells,)
        Window cells in raster order.
    """
    views = np.lib.stride_tricks.sliding_window_view(values, setup.size)
    views = views[tuple(slice(None, None, s) for s in setup.stride)]
    views = views[tuple(slice(0, o) for o in setup.output_shape)]
    return views.reshape(setup.output_shape + (-1,))


def pool_reduce(setup: PoolSetup, windows: np.ndarray, real: np.ndarray) -> np.ndarray:
    """Reduce window values (``(..., cells)``) to pooled values; ``real`` marks non-pad cells."""
    kind = setup.kind
    if kind in ("max", "global_max"):
        return windows.max(axis=-1)
    if kind in ("avg", "global_avg"):
        # Pad cells hold 0 and are left out of the count (PyTorch's count_include_pad=False).
        return raster_sum(windows) / real.sum(axis=-1)
    if kind == "l2":
        return np.sqrt(raster_sum(windows * windows))
    return raster_sum(windows * setup.weights.reshape(-1))


def pool_winner(kind: str, window: np.ndarray) -> int | None:
    """Which cell of one window (its values in raster order, shape (cells,)) max pooling keeps:
    the first largest, as ``np.argmax`` and the frameworks choose; ``None`` for the kinds that
    keep no single cell (average, L2, weighted)."""
    if kind in ("max", "global_max"):
        return int(np.argmax(window))
    return None


def run_pool(setup: PoolSetup) -> np.ndarray:
    """Pool ``setup.padded`` (the arguments already checked).

    Raises ``ValueError`` if a result overflows (L2 squares of values beyond ±1.3e154).
    """
    with np.errstate(over="ignore", invalid="ignore"):       # checked once, below
        return finite_result(_pool(setup), f"{setup.kind.replace('_', ' ')} pooling")


def _pool(setup: PoolSetup) -> np.ndarray:
    if setup.kind.startswith("global_"):
        return pool_reduce(setup, pool_windows(setup, setup.padded),
                           pool_windows(setup, ~setup.is_pad))
    if math.prod(setup.size) > math.prod(setup.output_shape):
        # Few large windows (a 3000×3000 one): one pass per window, not one per window cell.
        return per_output(setup, setup.size, (1,) * len(setup.size), lambda window, real: pool_reduce(
            setup, window.reshape(1, -1), real.reshape(1, -1))[0], setup.is_pad)
    # Small windows: one strided view per window cell, combined in raster order (fast, and the
    # running sums match raster_sum bit for bit).
    # only the average counts real cells (counting them for max too is 2.6× slower over 1024²)
    acc = count = None
    counting = setup.kind == "avg"
    for offset in np.ndindex(setup.size):
        sl = tuple(slice(i, i + (o - 1) * s + 1, s)
                   for i, s, o in zip(offset, setup.stride, setup.output_shape))
        view = setup.padded[sl]
        if setup.kind == "l2":
            view = view * view
        elif setup.kind == "weighted":
            view = view * setup.weights[offset]
        if acc is None:
            acc = view.copy()
            if counting:
                count = (~setup.is_pad[sl]).astype(np.int64)
        elif setup.kind == "max":
            np.maximum(acc, view, out=acc)
        else:
            acc += view
            if counting:
                count += ~setup.is_pad[sl]
    if counting:
        return acc / count
    return np.sqrt(acc) if setup.kind == "l2" else acc


def pool1d(x, size, *, stride=None, padding=0, kind="max", weights=None, ceil_mode=False):
    """Pool a 1D signal: keep one number (max, average, ...) per window.

    Parameters are those of :func:`pool2d` with one axis (``x`` shape (n,), ``size`` an int,
    explicit padding ``(left, right)``).

    Returns
    -------
    ndarray, float64, shape (out,)

    Examples
    --------
    >>> pool1d([1, 3, 2, 2, 0, 5], 2)
    array([3., 2., 5.])
    """
    return run_pool(pool_setup(x, size, 1, stride=stride, padding=padding, kind=kind,
                            weights=weights, ceil_mode=ceil_mode))


def pool2d(x, size, *, stride=None, padding=0, kind="max", weights=None, ceil_mode=False):
    """Pool a 2D map: slide a window and keep one number per position.

    Parameters
    ----------
    x : array_like, shape (h, w)
        The feature map (finite numbers).
    size : int or (int, int)
        Window shape. The global kinds use the whole map as their one window and ignore ``size``
        (which may be None), ``stride``, ``padding`` and ``ceil_mode``.
    stride : int or (int, int) or None
        Step between windows; None means ``size`` (windows side by side, no overlap).
    padding : int or tuple
        Pad cells around the map (``(rows, cols)`` or ``(top, bottom, left, right)`` allowed).
        They hold −∞ for max (never chosen), are left out of the divisor for ``"avg"`` (only real
        cells are counted), and hold 0 for ``"l2"`` and ``"weighted"``. Every window must still
        cover at least one real cell.
    kind : {"max", "avg", "l2", "weighted", "global_max", "global_avg"}
        ``"l2"`` is the square root of the sum of squares (PyTorch's LPPool, p=2); ``"weighted"``
        sums the window times ``weights``.
    weights : array_like, shape (kh, kw), optional
        Required for ``"weighted"``; ignored by the other kinds.
    ceil_mode : bool
        Round the output size up (PyTorch's rule): a last, partial window is kept if it starts
        inside the input or the left/top padding; its missing cells count as padding.

    Returns
    -------
    ndarray, float64, shape (out_h, out_w)
        ``(1, 1)`` for the global kinds.

    Raises
    ------
    ValueError
        Bad numbers, unknown kind, window larger than the padded input, stride below 1, negative
        padding or padding as wide as the window, missing or wrongly shaped weights, ``ceil_mode``
        not True/False, a result beyond the float range (overflow).

    Examples
    --------
    >>> pool2d([[1, 2, 0, 0], [2, 0, 0, 1], [0, 0, 2, 2], [0, 3, 2, 0]], 2)
    array([[2., 1.],
           [3., 2.]])
    """
    return run_pool(pool_setup(x, size, 2, stride=stride, padding=padding, kind=kind,
                            weights=weights, ceil_mode=ceil_mode))
