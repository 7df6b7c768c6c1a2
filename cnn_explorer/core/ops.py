"""Convolution, exactly: the one implementation the pages and the step traces share.

Convolution is here, in one, two and three axes and over many input maps (:func:`conv2d_multi`,
what a Conv2D layer computes); pooling lives in :mod:`.pooling` and is imported from here like the
rest. The step traces are in :mod:`.steps`, :mod:`.channels` and :mod:`.conv3d`.
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
from .validation import as_block, as_bool, as_float_array, per_axis, shape_text

__all__ = ["conv1d", "conv2d", "conv2d_multi", "conv3d", "pool1d", "pool2d", "POOL_KINDS",
           "ConvSetup", "PoolSetup", "conv_setup", "pool_setup", "run_conv", "run_pool",
           "pool_windows", "pool_reduce", "raster_sum", "check_multi_arguments", "check_filters",
           "volume_arguments", "add_channels", "MAX_SLICES"]

#: Most slices (``C_in × C_out``) a multi-channel call may hold: the guide's largest layer has
#: 32 × 64.
MAX_SLICES = 65_536


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
               flip=False, pad_with=None) -> ConvSetup:
    """Check convolution arguments and pad the input (see :func:`conv2d` for their meaning).

    ``pad_with(x, pads, pad_mode)``, if given, pads the checked input instead of
    :func:`padding.pad` (a caller that keeps the last padding of the same input).
    """
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
    padded = (pad_with or _pad.pad)(x, pads, pad_mode)
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
    # One shifted, strided view of the padded input per kernel element, added in raster order,
    # block of rows by block. A zero weight adds only a zero (the inputs are finite) and ±1 only
    # the input itself: such taps are skipped or added without a product, which changes no sum
    # (Prewitt, Sobel, [-1, 1] and a box are mostly such weights).
    taps = [(setup.padded[tuple(slice(o * d, o * d + (m - 1) * s + 1, s) for o, d, m, s
                                in zip(offset, setup.dilation, setup.output_shape, setup.stride))],
             w) for offset in np.ndindex(setup.applied.shape) if (w := setup.applied[offset]) != 0]
    if not taps:
        return np.zeros(setup.output_shape)
    out = np.empty(setup.output_shape)
    rows, row_cells = out.shape[0], int(np.prod(out.shape[1:]))
    block_rows = max(1, _BLOCK_CELLS // row_cells)
    term = np.empty((min(block_rows, rows),) + out.shape[1:])
    (first, w0), rest = taps[0], taps[1:]
    for r0 in range(0, rows, block_rows):
        r1 = r0 + block_rows
        block, tmp = out[r0:r1], term[:min(r1, rows) - r0]
        np.multiply(first[r0:r1], w0, out=block)
        for view, w in rest:
            if w == 1:
                block += view[r0:r1]
            elif w == -1:
                block -= view[r0:r1]
            else:
                np.multiply(view[r0:r1], w, out=tmp)
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




def conv3d(x, k, *, stride=1, padding="valid", pad_mode="zeros", dilation=1, anchor=None,
           flip=False) -> np.ndarray:
    """Slide a 3D kernel through a volume and write each sum of products to the output.

    Parameters
    ----------
    x : array_like, shape (D, H, W)
        The volume (finite numbers).
    k : array_like, shape (kd, kh, kw)
        The kernel cube (any sizes).
    stride, dilation, anchor : int or (int, int, int)
        Per axis, as in :func:`conv2d`.
    padding : {"valid", "same", "full"} or int or tuple
        An int pads every side; ``(d, h, w)`` pads each axis symmetrically;
        ``(front, back, top, bottom, left, right)`` or three ``(before, after)`` pairs give each
        side.
    pad_mode : {"zeros", "reflect", "replicate", "circular"}
    flip : bool
        True flips the kernel on all three axes first (true convolution).

    Returns
    -------
    ndarray, float64, shape (D', H', W')
        Each axis follows :func:`cnn_explorer.core.padding.output_length`; terms are added in the
        kernel's raster order (depth slowest).

    Raises
    ------
    ValueError
        Everything :func:`conv2d` refuses, in three axes.
    """
    x, k = volume_arguments(x, k)
    return run_conv(conv_setup(x, k, 3, stride=stride, padding=padding, pad_mode=pad_mode,
                               dilation=dilation, anchor=anchor, flip=flip))


def volume_arguments(x, k) -> tuple[np.ndarray, np.ndarray]:
    """A volume ``(D, H, W)`` and a kernel cube ``(kd, kh, kw)`` as float64, or a ``ValueError``
    that names the layout."""
    layout = "(depth, rows, columns)"
    return (as_block(x, name="volume", ndim=3, layout=layout),
            as_block(k, name="kernel", ndim=3, layout=layout))


def check_multi_arguments(x, w, b=None):
    """Check a multi-channel input, weights and bias; return them as float64 arrays.

    Returns
    -------
    x : ndarray, shape (H, W, C_in)
    w : ndarray, shape (kh, kw, C_in, C_out)
    b : ndarray, shape (C_out,)
        Zeros when ``b`` is None.
    """
    x = as_block(x, name="input", ndim=3, layout="(rows, columns, channels)")
    return (x,) + check_filters(w, b, x.shape[2])


def check_filters(w, b, c_in: int):
    """The weights ``(kh, kw, c_in, C_out)`` and bias ``(C_out,)`` (zeros for None) of filters
    that read ``c_in`` input maps, as float64 arrays, or a ``ValueError`` saying what is wrong."""
    w = as_block(w, name="weights", ndim=4,
                 layout="(kernel rows, kernel columns, input channels, filters)")
    if w.shape[2] != c_in:
        raise ValueError(f"the weights have {w.shape[2]} input channel(s) but the input has "
                         f"{c_in}: each filter needs one slice per input map")
    if w.shape[2] * w.shape[3] > MAX_SLICES:
        raise ValueError(f"{w.shape[2]}×{w.shape[3]} kernel slices are more than the "
                         f"{MAX_SLICES:,} this app computes with")
    if b is None:
        b = np.zeros(w.shape[3])
    else:
        b = as_float_array(np.atleast_1d(b) if np.ndim(b) == 0 else b, name="bias", ndim=1)
        if b.shape != (w.shape[3],):
            raise ValueError(f"the bias needs one number per filter ({w.shape[3]}); "
                             f"got {shape_text(b.shape)}")
    return w, b


def add_channels(partials, bias: np.ndarray) -> np.ndarray:
    """Each filter's partial maps added in channel order, then its bias.

    Parameters
    ----------
    partials : sequence of sequence of ndarray
        ``partials[o][c]``, shape (H', W'): filter ``o``'s slice ``c`` over input map ``c``.
    bias : ndarray, shape (C_out,)

    Returns
    -------
    ndarray, shape (H', W', C_out)
        ``((partials[o][0] + partials[o][1]) + ...) + bias[o]``: the order the trace adds in.
    """
    out = np.empty(partials[0][0].shape + (len(partials),))
    with np.errstate(over="ignore", invalid="ignore"):       # checked once, below
        for o, (per_c, b) in enumerate(zip(partials, bias)):
            total = out[..., o]
            if len(per_c) == 1:
                np.copyto(total, per_c[0])
            else:
                np.add(per_c[0], per_c[1], out=total)
            for p in per_c[2:]:
                total += p
            total += b
    return finite_result(out, "convolution")


def conv2d_multi(x, w, b=None, *, stride=1, padding="valid", pad_mode="zeros", dilation=1,
                 anchor=None, flip=False) -> np.ndarray:
    """Convolve a multi-channel input with a bank of filters, as a Conv2D layer does.

    Each filter ``o`` has one 2D slice per input map; each slice slides over its own map as in
    :func:`conv2d`, and the partial maps are added in channel order, then the bias:
    ``out[i, j, o] = ((partial_0 + partial_1) + ... + partial_{C_in-1}) + b[o]``.

    Parameters
    ----------
    x : array_like, shape (H, W, C_in)
        The input maps (an RGB image has ``C_in = 3``).
    w : array_like, shape (kh, kw, C_in, C_out)
        Keras's layout: ``w[..., c, o]`` is the slice of filter ``o`` that reads input map ``c``.
    b : array_like, shape (C_out,), optional
        One bias per filter (default zeros).
    stride, padding, pad_mode, dilation, anchor, flip
        As in :func:`conv2d`, applied to every slice alike.

    Returns
    -------
    ndarray, float64, shape (H', W', C_out)
        ``H', W'`` as :func:`conv2d` gives for one slice.

    Raises
    ------
    ValueError
        Everything :func:`conv2d` refuses, plus inputs that are not 3D / weights that are not
        4D, a channel count that differs, a bias of the wrong length.

    Examples
    --------
    >>> x = np.ones((3, 3, 2)); w = np.ones((3, 3, 2, 1))
    >>> conv2d_multi(x, w, [0.5])[..., 0]
    array([[18.5]])
    """
    x, w, b = check_multi_arguments(x, w, b)
    partials = [[] for _ in range(w.shape[3])]
    for c in range(x.shape[2]):
        # Pad each input map once; every filter's slice for that map reuses the padded copy.
        setup = conv_setup(x[..., c], w[..., c, 0], 2, stride=stride, padding=padding,
                           pad_mode=pad_mode, dilation=dilation, anchor=anchor, flip=flip)
        for o in range(w.shape[3]):
            typed = w[..., c, o]
            applied = typed[::-1, ::-1].copy() if setup.flip else typed
            partials[o].append(run_conv(setup._replace(kernel=typed, applied=applied)))
    return add_channels(partials, b)
