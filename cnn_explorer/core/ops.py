"""Convolution and pooling, exactly: the one implementation the pages and the step traces share.

Every sum is taken in the raster order of the kernel (or window), one term after another, so a
step record that adds its products in the same order gets bit-for-bit the same number.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from . import padding as _pad
from .validation import as_bool, as_float_array, as_text, per_axis, shape_text

POOL_KINDS = ("max", "avg", "l2", "weighted", "global_max", "global_avg")
#: Most products (kernel or window cells times output cells) one convolution or pooling computes:
#: under a second of work; a 7×7 kernel over a 1000×1000 image is 49,000,000.
MAX_TERMS = 500_000_000

__all__ = ["conv1d", "conv2d", "pool1d", "pool2d", "POOL_KINDS", "ConvSetup", "PoolSetup",
           "conv_setup", "pool_setup", "run_conv", "run_pool", "pool_windows", "pool_reduce",
           "raster_sum"]


class ConvSetup(NamedTuple):
    """Everything a convolution needs once the arguments are checked (shared with ``steps``)."""

    x: np.ndarray               # input, float64
    kernel: np.ndarray          # kernel as typed
    applied: np.ndarray         # kernel as applied: flipped on every axis when flip=True
    pads: tuple                 # ((before, after), ...) per axis
    padded: np.ndarray          # input after padding
    stride: tuple
    dilation: tuple
    anchor: tuple               # anchor in the typed kernel
    applied_anchor: tuple       # the same element's index in the applied kernel
    flip: bool
    output_shape: tuple
    pad_mode: str


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


def raster_sum(terms: np.ndarray) -> np.ndarray:
    """Sum along the last axis one term after another (``np.sum`` would pair terms up).

    Parameters
    ----------
    terms : ndarray, shape (..., n)

    Returns
    -------
    ndarray, shape (...)
        ``((t0 + t1) + t2) + ...``, the order a student adds them in.
    """
    return np.cumsum(terms, axis=-1)[..., -1]


def conv_setup(x, k, ndim, *, stride=1, padding="valid", pad_mode="zeros", dilation=1, anchor=None,
               flip=False) -> ConvSetup:
    """Check convolution arguments and pad the input (see :func:`conv2d` for their meaning)."""
    x = as_float_array(x, name="input", ndim=ndim)
    kernel = as_float_array(k, name="kernel", ndim=ndim)
    stride = per_axis(stride, ndim, "stride")
    dilation = per_axis(dilation, ndim, "dilation")
    anchor = _pad.resolve_anchor(anchor, kernel.shape)
    flip = as_bool(flip, "flip")
    # The anchor names an element of the kernel as typed; flipping moves it to k-1-a.
    applied_anchor = tuple(s - 1 - a for s, a in zip(kernel.shape, anchor)) if flip else anchor
    applied = kernel[(slice(None, None, -1),) * ndim].copy() if flip else kernel.copy()
    pads = _pad.resolve_padding(padding, kernel.shape, dilation=dilation, anchor=applied_anchor)
    pad_mode = _pad.check_pad_mode(pad_mode, x.shape, pads)
    _check_fit("kernel", kernel.shape, x.shape, pads, dilation)
    out_shape = tuple(_pad.output_length(n, s, stride=st, dilation=d, pad=p)
                      for n, s, st, d, p in zip(x.shape, kernel.shape, stride, dilation, pads))
    padded = _pad.pad(x, pads, pad_mode)
    # A dilation on a 1-wide axis and a stride beyond the padded input change nothing; capped,
    # they keep the index arithmetic within int64 (2**63 raised deep inside NumPy).
    dilation = tuple(1 if k == 1 else d for k, d in zip(kernel.shape, dilation))
    stride = tuple(min(s, n) for s, n in zip(stride, padded.shape))
    _check_terms("convolution", "kernel", kernel.size, out_shape)
    return ConvSetup(x, kernel, applied, pads, padded, stride, dilation, anchor, applied_anchor, flip,
                     out_shape, pad_mode)


def _check_fit(what, k_shape, x_shape, pads, dilation=None) -> None:
    dilation = dilation or (1,) * len(k_shape)
    span = tuple(d * (k - 1) + 1 for k, d in zip(k_shape, dilation))
    padded = tuple(n + b + a for n, (b, a) in zip(x_shape, pads))
    if all(s <= p for s, p in zip(span, padded)):
        return
    if len(k_shape) == 1:
        k_txt, x_txt = f"{what} of {k_shape[0]} values", f"an input of {x_shape[0]} values"
    else:
        k_txt, x_txt = f"{what} {shape_text(k_shape)}", f"a {shape_text(x_shape)} input"
    if span != tuple(k_shape):
        k_txt += f" with dilation {_axis_text(dilation)} (spanning {shape_text(span)})"
    msg = f"{k_txt} does not fit in {x_txt} with padding {_pad.pads_text(pads)}"
    if any(b or a for b, a in pads):
        msg += f" ({shape_text(padded)} after padding)"
    raise ValueError(msg)


def _check_terms(what: str, window: str, cells: int, out_shape) -> None:
    """Refuse work beyond :data:`MAX_TERMS` products before any of it is done (or allocated)."""
    terms = cells * math.prod(out_shape)
    if terms > MAX_TERMS:
        raise ValueError(f"this {what} needs {terms:,} products ({cells:,} {window} cells × "
                         f"{math.prod(out_shape):,} outputs), more than the {MAX_TERMS:,} this "
                         f"app computes at once; use a smaller input, {window} or padding, or a "
                         "larger stride")


def _axis_text(values) -> str:
    return str(values[0]) if len(set(values)) == 1 else shape_text(values)


# Output cells computed per block: a block and its temporary stay in the CPU cache (about 2x faster
# than whole-image passes on a 512x512 image).
_BLOCK_CELLS = 1 << 15


def _finite_result(out: np.ndarray, what: str) -> np.ndarray:
    """``out`` if every value is finite; finite inputs can still overflow (1e308 + 1e308)."""
    if not np.isfinite(out).all():
        position = tuple(int(i) for i in np.argwhere(~np.isfinite(out))[0])
        raise ValueError(f"the {what} overflows at output {position}: a sum or product there is "
                         "beyond ±1.8e308, the largest number a computer can hold; use smaller "
                         "values")
    return out


def run_conv(setup: ConvSetup) -> np.ndarray:
    """Cross-correlate ``setup.padded`` with ``setup.applied`` (the arguments already checked).

    Raises ``ValueError`` if a sum overflows (finite values beyond ±1.8e308).
    """
    with np.errstate(over="ignore", invalid="ignore"):       # checked once, below
        return _finite_result(_correlate(setup), "convolution")


def _correlate(setup: ConvSetup) -> np.ndarray:
    if setup.applied.size > math.prod(setup.output_shape):
        return _per_output(setup, lambda window: raster_sum(window.ravel() * setup.applied.ravel()))
    # One shifted, strided view per kernel element, added in raster order, block of rows by block.
    out = np.empty(setup.output_shape)
    rows, row_cells = out.shape[0], int(np.prod(out.shape[1:]))
    block_rows = max(1, _BLOCK_CELLS // row_cells)
    term = np.empty((min(block_rows, rows),) + out.shape[1:])
    for r0 in range(0, rows, block_rows):
        block = out[r0:r0 + block_rows]
        tmp = term[:len(block)]
        for n, offset in enumerate(np.ndindex(setup.applied.shape)):
            start = (r0 * setup.stride[0] + offset[0] * setup.dilation[0],) + tuple(
                o * d for o, d in zip(offset[1:], setup.dilation[1:]))
            view = setup.padded[tuple(slice(b, b + (m - 1) * s + 1, s) for b, m, s
                                      in zip(start, block.shape, setup.stride))]
            if n == 0:
                np.multiply(view, setup.applied[offset], out=block)
            else:
                np.multiply(view, setup.applied[offset], out=tmp)
                block += tmp
    return out


def conv1d(x, k, *, stride=1, padding="valid", pad_mode="zeros", dilation=1, anchor=None, flip=False):
    """Slide a 1D kernel over a 1D signal: multiply the overlapping numbers, sum, move by the stride.

    Parameters are those of :func:`conv2d` with one axis: ``x`` shape (n,), ``k`` shape (kw,),
    explicit padding ``(left, right)``.

    Returns
    -------
    ndarray, float64, shape (out,)
        ``out = floor((n + left + right - dilation*(kw-1) - 1) / stride) + 1``.

    Examples
    --------
    The guide's derivative: ``[-1, 1]`` with its right element as the centre, one zero on the left.

    >>> conv1d([0, 0, 1, 1, 1, 0, 0], [-1, 1], padding="same", anchor=1)
    array([ 0.,  0.,  1.,  0.,  0., -1.,  0.])
    """
    setup = conv_setup(x, k, 1, stride=stride, padding=padding, pad_mode=pad_mode,
                       dilation=dilation, anchor=anchor, flip=flip)
    return run_conv(setup)


def conv2d(x, k, *, stride=1, padding="valid", pad_mode="zeros", dilation=1, anchor=None, flip=False):
    """Slide a 2D kernel over a 2D array (an image) and write each sum of products to the output.

    Parameters
    ----------
    x : array_like, shape (h, w)
        The data (finite numbers).
    k : array_like, shape (kh, kw)
        The kernel; any size, rectangular and even sizes included.
    stride : int or (int, int)
        How far the kernel moves between outputs (rows, columns).
    padding : {"valid", "same", "full"} or int or tuple
        See :func:`cnn_explorer.core.padding.resolve_padding`; explicit amounts are
        ``(top, bottom, left, right)`` (or ``(rows, cols)`` for symmetric padding).
    pad_mode : {"zeros", "reflect", "replicate", "circular"}
        What the pad cells hold (PyTorch's meanings).
    dilation : int or (int, int)
        Spacing between the kernel's taps (1 = neighbouring cells).
    anchor : int or (int, int) or None
        The kernel element that is the centre (default: the middle, ``(k-1)//2``), indexed in the
        kernel **as typed**; ``"same"`` padding puts ``dilation*anchor`` cells before the data so
        each output lands where the centre touched. With ``flip=True`` the typed element at
        ``anchor`` ends up at ``k-1-anchor`` of the flipped kernel, and padding follows it.
    flip : bool
        False: cross-correlation, ``out[i, j] = sum k[a, b] * xpad[i*s + a*d, j*s + b*d]`` (what a
        CNN layer computes). True: true convolution (the kernel flipped on both axes first).

    Returns
    -------
    ndarray, float64, shape (out_h, out_w)
        Each axis follows :func:`cnn_explorer.core.padding.output_length`.

    Raises
    ------
    ValueError
        Bad numbers (empty, NaN, text, ragged), a kernel that does not fit the padded input,
        stride or dilation below 1, unknown padding or pad mode, negative padding, an anchor
        outside the kernel, reflect/circular padding larger than the input allows, a padded input
        over ``padding.MAX_PADDED_VALUES`` values, ``flip`` not True/False, a result beyond the
        float range (overflow).
    """
    setup = conv_setup(x, k, 2, stride=stride, padding=padding, pad_mode=pad_mode,
                       dilation=dilation, anchor=anchor, flip=flip)
    return run_conv(setup)


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
        _check_fit("window", size, x.shape, pads)
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
    _check_terms("pooling", "window", math.prod(size), out_shape)
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


def _per_output(setup, reduce, is_pad=None) -> np.ndarray:
    """Each output from its whole window, ``reduce(window[, real cells])``: the loop to take when
    windows have more cells than there are outputs (sums stay in raster order)."""
    conv = isinstance(setup, ConvSetup)
    window, dilation = (setup.applied.shape, setup.dilation) if conv else (setup.size, (1,) * 2)
    out = np.empty(setup.output_shape)
    for index in np.ndindex(out.shape):
        sl = tuple(slice(i * s, i * s + d * (k - 1) + 1, d)
                   for i, s, d, k in zip(index, setup.stride, dilation, window))
        out[index] = reduce(setup.padded[sl]) if is_pad is None else \
            reduce(setup.padded[sl], ~is_pad[sl])
    return out


def run_pool(setup: PoolSetup) -> np.ndarray:
    """Pool ``setup.padded`` (the arguments already checked).

    Raises ``ValueError`` if a result overflows (L2 squares of values beyond ±1.3e154).
    """
    with np.errstate(over="ignore", invalid="ignore"):       # checked once, below
        return _finite_result(_pool(setup), f"{setup.kind.replace('_', ' ')} pooling")


def _pool(setup: PoolSetup) -> np.ndarray:
    if setup.kind.startswith("global_"):
        return pool_reduce(setup, pool_windows(setup, setup.padded),
                           pool_windows(setup, ~setup.is_pad))
    if math.prod(setup.size) > math.prod(setup.output_shape):
        # Few large windows (a 3000×3000 one): one pass per window, not one per window cell.
        return _per_output(setup, lambda window, real: pool_reduce(
            setup, window.reshape(1, -1), real.reshape(1, -1))[0], setup.is_pad)
    # Small windows: one strided view per window cell, combined in raster order (fast, and the
    # running sums match raster_sum bit for bit).
    # only the average counts real cells (max over 1024² was 2.6× slower counting them too)
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
