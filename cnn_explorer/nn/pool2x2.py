"""Max pooling over 2x2 windows as a tournament, for the fused conv + pool blocks.

The four conv outputs of each window come as four arrays (taps 0, 1 on the window's first row,
2, 3 on its second). Comparing pairs, then the pair winners, takes six passes over the data
where "maximum, then which tap equals it, then the first such tap" takes about twenty; the
three comparison results are all the backward pass needs. Ties go to the first tap in row-major
order, as in TensorFlow and PyTorch: a pair's second tap wins only when strictly greater, and
the second pair only when its maximum is strictly greater.
"""

import numpy as np


def forward(z, y, masks=None):
    """Window maxima of ``z`` into ``y``; ``z`` is overwritten.

    Parameters
    ----------
    z : ndarray, shape (4, M, C)
        Conv outputs of the four taps of M windows.
    y : ndarray, shape (M, C)
        Receives the maxima.
    masks : ndarray of bool, shape (3, M, C), or None
        Receives ``z1 <= z0``, ``z3 <= z2`` and ``max(z2, z3) > max(z0, z1)`` (None:
        inference, no masks).
    """
    if masks is not None:
        np.less_equal(z[1], z[0], out=masks[0])
        np.less_equal(z[3], z[2], out=masks[1])
    np.maximum(z[0], z[1], out=z[0])
    np.maximum(z[2], z[3], out=z[2])
    if masks is not None:
        np.greater(z[2], z[0], out=masks[2])
    np.maximum(z[0], z[2], out=y)


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
    first_pair, second_pair = out[1], out[3]
    np.multiply(dp, masks[2], out=second_pair)
    np.subtract(dp, second_pair, out=first_pair)
    np.multiply(first_pair, masks[0], out=out[0])
    first_pair -= out[0]
    np.multiply(second_pair, masks[1], out=out[2])
    second_pair -= out[2]
