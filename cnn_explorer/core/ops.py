"""Convolution, exactly: the one implementation the pages and the step traces share.

Convolution is here; pooling lives in :mod:`.pooling` and is imported from here like the rest.
Every sum is taken in the raster order of the kernel (or window), one term after another, so a
step record that adds its products in the same order gets bit-for-bit the same number.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from . import padding as _pad
from .op_shared import check_fit, check_terms, finite_result, per_output, raster_sum
from .pooling import (POOL_KINDS, PoolSetup, pool1d, pool2d, pool_reduce, pool_setup,
                      pool_windows, run_pool)
from .validation import as_bool, as_float_array, per_axis

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
    check_fit("kernel", kernel.shape, x.shape, pads, dilation)
    out_shape = tuple(_pad.output_length(n, s, stride=st, dilation=d, pad=p)
                      for n, s, st, d, p in zip(x.shape, kernel.shape, stride, dilation, pads))
    padded = _pad.pad(x, pads, pad_mode)
    # A dilation on a 1-wide axis and a stride beyond the padded input change nothing; capped,
    # they keep the index arithmetic within int64 (2**63 raised deep inside NumPy).
    dilation = tuple(1 if k == 1 else d for k, d in zip(kernel.shape, dilation))
    stride = tuple(min(s, n) for s, n in zip(stride, padded.shape))
    check_terms("convolution", "kernel", kernel.size, out_shape)
    return ConvSetup(x, kernel, applied, pads, padded, stride, dilation, anchor, applied_anchor, flip,
                     out_shape, pad_mode)


# Output cells computed per block: a block and its temporary stay in the CPU cache (about 2x faster
# than whole-image passes on a 512x512 image).
_BLOCK_CELLS = 1 << 15


def run_conv(setup: ConvSetup) -> np.ndarray:
    """Cross-correlate ``setup.padded`` with ``setup.applied`` (the arguments already checked).

    Raises ``ValueError`` if a sum overflows (finite values beyond ±1.8e308).
    """
    with np.errstate(over="ignore", invalid="ignore"):       # checked once, below
        return finite_result(_correlate(setup), "convolution")


def _correlate(setup: ConvSetup) -> np.ndarray:
    if setup.applied.size > math.prod(setup.output_shape):
        return per_output(setup, setup.applied.shape, setup.dilation, lambda window: raster_sum(window.ravel() * setup.applied.ravel()))
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


