"""Gradients of :func:`ops.conv1d`/:func:`ops.conv2d` with respect to the input and the kernel.

Both are convolutions a student already knows (``out = Σ_a k[a]·xpad[i·s + a·d]``):

- ``dL/dk`` is a **correlation of the padded input with the output error**: the error map slides
  over the padded input (its cells ``stride`` apart, its moves ``dilation`` apart) and each
  position gives one kernel element's gradient;
- ``dL/dxpad`` is a **full convolution of the error with the kernel** (the error, padded by
  ``dilation·(k-1)`` on every side, correlated with the kernel turned by 180°); with stride ``s``
  the error cells are first spread ``s`` apart with zeros between them;
- ``dL/dx`` then gathers ``dL/dxpad``: a data cell gets its own gradient plus that of every pad
  cell that copied it (reflect, replicate, circular); zero pad cells copy nothing.

Every sum is added in raster order, as :mod:`.ops` adds, so :mod:`.grad_steps` traces reproduce
these numbers exactly.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import ops
from . import padding as _pad
from .validation import as_float_array, shape_text

__all__ = ["ConvGrads", "conv1d_grads", "conv2d_grads", "grad_setup", "GradSetup", "run_grads",
           "kernel_grad_input", "spread_error", "pad_sources", "gather_pad_grad"]


class ConvGrads(NamedTuple):
    """``dx`` (the input's shape) and ``dk`` (the typed kernel's shape)."""

    dx: np.ndarray
    dk: np.ndarray


class GradSetup(NamedTuple):
    """The forward setup and the checked output error (shared with ``grad_steps``)."""

    conv: ops.ConvSetup
    dout: np.ndarray


def grad_setup(x, k, dout, ndim, **kw) -> GradSetup:
    """Check the convolution arguments (as :func:`ops.conv_setup`) and ``dout`` against its output."""
    conv = ops.conv_setup(x, k, ndim, **kw)
    dout = as_float_array(dout, name="output error", ndim=ndim)
    if dout.shape != conv.output_shape:
        raise ValueError(f"the output error is {shape_text(dout.shape)} but the convolution's "
                         f"output is {shape_text(conv.output_shape)}: they must match cell for cell")
    return GradSetup(conv, dout)


def kernel_grad_input(conv: ops.ConvSetup) -> np.ndarray:
    """The part of the padded input the forward pass reads (the correlation behind ``dk``).

    Cutting the cells no window reached makes the correlation's output exactly kernel-sized.
    """
    used = tuple(s * (o - 1) + d * (k - 1) + 1 for s, o, d, k
                 in zip(conv.stride, conv.output_shape, conv.dilation, conv.kernel.shape))
    return conv.padded[tuple(slice(0, u) for u in used)]


def spread_error(dout: np.ndarray, stride) -> np.ndarray:
    """``dout`` with its cells ``stride`` apart and zeros between them (itself for stride 1)."""
    shape = tuple(s * (n - 1) + 1 for n, s in zip(dout.shape, stride))
    out = np.zeros(shape)
    out[tuple(slice(None, None, s) for s in stride)] = dout
    return out


def pad_sources(x_shape, pads, mode) -> np.ndarray:
    """For each padded cell, the raster index of the data cell it copies (``-1``: a zero pad cell)."""
    index = np.arange(int(np.prod(x_shape)), dtype=np.float64).reshape(x_shape)
    return _pad.pad(index, pads, mode, value=-1.0).astype(np.int64)


def gather_pad_grad(dpadded: np.ndarray, x_shape, pads, mode) -> np.ndarray:
    """``dL/dx`` from ``dL/dxpad``: each data cell adds up its copies' gradients in raster order."""
    sources = pad_sources(x_shape, pads, mode).ravel()
    keep = sources >= 0
    dx = np.zeros(int(np.prod(x_shape)))
    # np.add.at adds one term after another in index order: the raster order the trace uses
    np.add.at(dx, sources[keep], dpadded.ravel()[keep])
    return dx.reshape(x_shape)


def _finite(values: np.ndarray, what: str) -> np.ndarray:
    if not np.isfinite(values).all():
        raise ValueError(f"the gradient of the {what} overflows (beyond ±1.8e308, the largest "
                         "number a computer can hold): the error or the values are too large")
    return values


def run_grads(setup: GradSetup) -> ConvGrads:
    """Both gradients from a checked :class:`GradSetup` (see :func:`conv2d_grads`)."""
    conv, dout = setup
    ndim = dout.ndim
    with np.errstate(over="ignore", invalid="ignore"):       # checked once, below
        # dk[a] = Σ_i dout[i]·xpad[i·s + a·d]: one strided view per kernel element, its products
        # added in raster order (exactly what ops.conv(used, dout, stride=d, dilation=s) adds)
        used = kernel_grad_input(conv)
        dk = np.empty(conv.applied.shape)
        for a in np.ndindex(dk.shape):
            view = used[tuple(slice(ai * d, ai * d + s * (o - 1) + 1, s) for ai, d, s, o
                              in zip(a, conv.dilation, conv.stride, conv.output_shape))]
            dk[a] = ops.raster_sum((view * dout).ravel())
        if conv.flip:
            dk = dk[(slice(None, None, -1),) * ndim]
        dused = ops.run_conv(ops.conv_setup(spread_error(dout, conv.stride), conv.applied, ndim,
                                            padding="full", dilation=conv.dilation, flip=True))
    dpadded = np.zeros(conv.padded.shape)
    dpadded[tuple(slice(0, n) for n in dused.shape)] = dused
    dx = gather_pad_grad(dpadded, conv.x.shape, conv.pads, conv.pad_mode)
    return ConvGrads(_finite(dx, "input"), _finite(dk, "kernel"))


def conv1d_grads(x, k, dout, *, stride=1, padding="valid", pad_mode="zeros", dilation=1,
                 anchor=None, flip=False) -> ConvGrads:
    """Gradients of ``L`` through ``y = ops.conv1d(x, k, ...)`` given ``dout = dL/dy``.

    Parameters are those of :func:`conv2d_grads` with one axis: ``x`` (n,), ``k`` (kw,),
    ``dout`` (out,).

    Examples
    --------
    >>> g = conv1d_grads([0, 0, 1, 1], [-1, 1], [1, 0, 0])
    >>> g.dk, g.dx
    (array([0., 0.]), array([-1.,  1.,  0.,  0.]))
    """
    return run_grads(grad_setup(x, k, dout, 1, stride=stride, padding=padding, pad_mode=pad_mode,
                             dilation=dilation, anchor=anchor, flip=flip))


def conv2d_grads(x, k, dout, *, stride=1, padding="valid", pad_mode="zeros", dilation=1,
                 anchor=None, flip=False) -> ConvGrads:
    """Gradients of ``L`` through ``y = ops.conv2d(x, k, ...)`` given ``dout = dL/dy``.

    Parameters
    ----------
    x : array_like, shape (h, w)
    k : array_like, shape (kh, kw)
        The kernel as typed (``flip=True`` applies it turned by 180°; ``dk`` is for the typed one).
    dout : array_like, shape (out_h, out_w)
        ``dL/dy``, the error of every output cell.
    stride, padding, pad_mode, dilation, anchor, flip
        As in :func:`cnn_explorer.core.ops.conv2d`.

    Returns
    -------
    ConvGrads
        ``dx`` shape (h, w) and ``dk`` shape (kh, kw), float64.

    Raises
    ------
    ValueError
        Every argument :func:`ops.conv2d` refuses; ``dout`` not shaped like the output; a gradient
        beyond the float range.
    """
    return run_grads(grad_setup(x, k, dout, 2, stride=stride, padding=padding, pad_mode=pad_mode,
                             dilation=dilation, anchor=anchor, flip=flip))
