"""3D convolution of a volume (depth, rows, columns) and its step trace.

The 2D code is written for any number of axes; this module gives it a 3D entry point with
messages that speak of volumes. Padding, stride, dilation, anchor and flip work per axis as in
:func:`cnn_explorer.core.ops.conv2d`.
"""

from __future__ import annotations

from typing import Iterator

import numpy as np

from . import ops, steps
from .channels import _as_block

__all__ = ["conv3d", "conv3d_plan", "conv3d_steps"]

_LAYOUT = "(depth, rows, columns)"


def _volumes(x, k):
    return (_as_block(x, name="volume", ndim=3, layout=_LAYOUT),
            _as_block(k, name="kernel", ndim=3, layout=_LAYOUT))


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
        Per axis, as in :func:`cnn_explorer.core.ops.conv2d`.
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
        Everything :func:`cnn_explorer.core.ops.conv2d` refuses, in three axes.
    """
    x, k = _volumes(x, k)
    return ops.run_conv(ops.conv_setup(x, k, 3, stride=stride, padding=padding,
                                       pad_mode=pad_mode, dilation=dilation, anchor=anchor,
                                       flip=flip))


def conv3d_plan(x, k, *, stride=1, padding="valid", pad_mode="zeros", dilation=1, anchor=None,
                flip=False) -> steps.ConvPlan:
    """Plan of :func:`conv3d` with the same arguments: ``plan.step(n)`` is a ``ConvStep`` whose
    ``taps`` hold ``(depth, row, column)`` positions in the padded volume."""
    x, k = _volumes(x, k)
    return steps._conv_plan(x, k, 3, stride=stride, padding=padding, pad_mode=pad_mode,
                            dilation=dilation, anchor=anchor, flip=flip)


def conv3d_steps(x, k, **kw) -> Iterator[steps.ConvStep]:
    """Records of every output element of ``conv3d(x, k, **kw)`` in raster order."""
    return conv3d_plan(x, k, **kw).steps()
