"""Max pooling over 2x2 windows as a tournament, for the fused conv + pool blocks.

The four conv outputs of each window come as four arrays (taps 0, 1 on the window's first row,
2, 3 on its second). Comparing pairs, then the pair winners, takes six passes over the data
where "maximum, then which tap equals it, then the first such tap" takes about twenty; the
three comparison results are all the backward pass needs. Ties go to the first tap in row-major
order, as in TensorFlow and PyTorch: a pair's second tap wins only when strictly greater, and
the second pair only when its maximum is strictly greater.
"""

import numpy as np


def pair(first, second, out, mask=None):
    """``out = max(first, second)``; ``mask`` (bool or None) receives ``second <= first``."""
    if mask is not None:
        np.less_equal(second, first, out=mask)
    np.maximum(first, second, out=out)


def final(first, second, out, mask=None):
    """``out = max(first, second)`` of the two pair winners; ``mask`` gets ``second > first``."""
    if mask is not None:
        np.greater(second, first, out=mask)
    np.maximum(first, second, out=out)


def forward(z, y, masks=None):
    """Window maxima of ``z`` into ``y``; ``z`` is overwritten.

    Parameters
    ----------
    z : sequence of four ndarrays, shape (M, C)
        Conv outputs of the four taps of M windows.
    y : ndarray, shape (M, C)
        Receives the maxima.
    masks : ndarray of bool, shape (3, M, C), or None
        Receives ``z1 <= z0``, ``z3 <= z2`` and ``max(z2, z3) > max(z0, z1)`` (None:
        inference, no masks).
    """
    no_masks = (None, None, None)
    m0, m1, m2 = no_masks if masks is None else masks
    pair(z[0], z[1], z[0], m0)
    pair(z[2], z[3], z[2], m1)
    final(z[0], z[2], y, m2)


def route_pair(d, mask, first, second):
    """Split a pair's gradient ``d``: ``first`` where ``mask`` (uint8) is 1, ``second`` where 0.

    ``second`` may be ``d`` itself.
    """
    np.multiply(d, mask, out=first)
    np.subtract(d, first, out=second)


def route(dp, masks, out):
    """Send each window's gradient to its winning tap.

    Parameters
    ----------
    dp : ndarray, shape (M, C)
        Gradient of the window maxima.
    masks : ndarray of uint8 (0 or 1), shape (3, M, C)
        From :func:`forward` (as uint8: float times uint8 needs no cast buffer).
    out : sequence of four ndarrays, shape (M, C)
        Receive the gradients of taps 0 to 3 (zero where the tap lost).
    """
    np.multiply(dp, masks[2], out=out[3])
    np.subtract(dp, out[3], out=out[1])
    route_pair(out[1], masks[0], out[0], out[1])
    route_pair(out[3], masks[1], out[2], out[3])
