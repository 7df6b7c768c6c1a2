"""The fast path for the convnet's commonest pattern: Conv2D(relu) followed by MaxPooling2D.

Bias and ReLU are monotonic, so ``max(relu(z + b)) == relu(max(z) + b)``: the block pools the raw
convolution first and adds bias and ReLU to the four times smaller result. Conv outputs that a
floor-mode pool never reads are not computed. The im2col rows are ordered by pooling tap first
(``q = di * p + dj``, then image, row, column), so the product ``Z`` is ``p*p`` contiguous blocks
and the pool is element-wise maxima over long contiguous arrays (for 2x2, a tournament:
:mod:`.pool2x2`). A 3x3 stride-1 convolution of several channels before a 2x2 pool computes the
same grouped outputs with Winograd's F(2x2, 3x3) (:mod:`.winograd`, 2.25x fewer
multiplications). Results equal the generic Conv2D -> MaxPooling2D layers (tested), up to
rounding.
"""

from functools import partial

import numpy as np

from . import pool2x2, winograd
from ..functional import pad_input, unpad


def _buffer(ws, key, shape, dtype, zero=False):
    if ws is None:
        return np.zeros(shape, dtype) if zero else np.empty(shape, dtype)
    return ws.zeros(key, shape, dtype) if zero else ws.empty(key, shape, dtype)


def _tap_slices(p, strides, kernel_hw, pooled_hw):
    """Yield (q, i, j, row slice, column slice) of the padded input feeding each tap/pool offset."""
    (sh, sw), (kh, kw), (ph, pw) = strides, kernel_hw, pooled_hw
    for di in range(p):
        for dj in range(p):
            for i in range(kh):
                r0 = sh * di + i
                for j in range(kw):
                    c0 = sw * dj + j
                    yield (di * p + dj, i, j, slice(r0, r0 + p * sh * ph, p * sh),
                           slice(c0, c0 + p * sw * pw, p * sw))


def _im2col(xp, kernel, strides, pool, pooled_hw, ws, key):
    """The im2col matrix ``(pool * pool * N * ph * pw, kh * kw * cin)``, rows grouped by pooling
    tap (a transposed view when cin is 1)."""
    kh, kw, cin, _ = kernel.shape
    n, (ph, pw) = xp.shape[0], pooled_hw
    q_count, m, k = pool * pool, n * ph * pw, kh * kw * cin
    dtype = kernel.dtype
    if cin == 1:
        # one channel: tap-major columns make every copy a long contiguous write
        cols = _buffer(ws, key + "cols", (kh, kw, q_count, n, ph, pw), dtype)
        for q, i, j, rs, cs in _tap_slices(pool, strides, (kh, kw), (ph, pw)):
            cols[i, j, q] = xp[:, rs, cs, 0]
        return cols.reshape(k, q_count * m).T
    cols = _buffer(ws, key + "cols", (q_count, n, ph, pw, kh, kw, cin), dtype)
    for q, i, j, rs, cs in _tap_slices(pool, strides, (kh, kw), (ph, pw)):
        cols[q, :, :, :, i, j, :] = xp[:, rs, cs, :]
    return cols.reshape(q_count * m, k)


def _pool2_by_pairs(a, kernel, y, masks, ws, key):
    """2x2 pooling of the im2col product computed two taps at a time: the conv outputs need
    half the memory (a smaller working set stays in the caches)."""
    m, cout = y.shape
    kmat = kernel.reshape(-1, cout)
    z = _buffer(ws, key + "z", (2 * m, cout), kernel.dtype)
    no_masks = (None, None, None)
    m0, m1, m2 = no_masks if masks is None else masks
    np.matmul(a[:2 * m], kmat, out=z)
    pool2x2.pair(z[:m], z[m:], y, m0)
    np.matmul(a[2 * m:], kmat, out=z)
    pool2x2.pair(z[:m], z[m:], z[:m], m1)
    pool2x2.final(y, z[:m], y, m2)


def _kernel_grad_by_pairs(dp, masks, a, kernel, ws, key):
    """Kernel gradient of :func:`_pool2_by_pairs`'s conv, two taps at a time; ``dp`` (the
    pooled gradient) is overwritten."""
    m, cout = dp.shape
    dz = _buffer(ws, key + "z", (2 * m, cout), kernel.dtype)  # the dead conv outputs' memory
    np.multiply(dp, masks[2], out=dz[m:])  # the second pair's share
    pool2x2.route_pair(dz[m:], masks[1], dz[:m], dz[m:])
    dkernel = a[2 * m:].T @ dz
    dp -= dz[:m]  # what is left is the first pair's share (exactly: one of the two is zero)
    dp -= dz[m:]
    pool2x2.route_pair(dp, masks[0], dz[:m], dz[m:])
    dkernel += a[:2 * m].T @ dz
    return dkernel.reshape(kernel.shape)


def conv_relu_maxpool_forward(x, kernel, bias, strides=(1, 1), padding="valid", pool=2,
                              ws=None, key="", keep_cache=True):
    """Conv2D (ReLU) then non-overlapping ``pool`` x ``pool`` max pooling, fused.

    Parameters
    ----------
    x : ndarray, shape (N, H, W, cin)
    kernel : ndarray, shape (kh, kw, cin, cout)
    bias : ndarray, shape (cout,) or None
    pool : int
        Pool size, equal to the pool stride.
    ws : Workspace or None
    key : str
        Prefix of this block's buffers in ``ws``.
    keep_cache : bool
        False for inference: no arg-max masks are kept.

    Returns
    -------
    y : ndarray, shape (N, ph, pw, cout)
    cache : tuple or None
    """
    kh, kw, cin, cout = kernel.shape
    xp = pad_input(x, (kh, kw), strides, padding)
    n = x.shape[0]
    oh = (xp.shape[1] - kh) // strides[0] + 1
    ow = (xp.shape[2] - kw) // strides[1] + 1
    ph, pw = oh // pool, ow // pool
    q_count, m = pool * pool, n * ph * pw
    dtype = kernel.dtype
    y = _buffer(ws, key + "y", (m, cout), dtype)
    # a 2x2 pool keeps its tournament's three masks (pool2x2), others one mask per tap
    masks = _buffer(ws, key + "masks", (3, m, cout), np.bool_) \
        if keep_cache and pool == 2 else None
    if winograd.applies(kernel.shape, strides, pool):
        # a holds the transformed input tiles, which the backward pass needs instead
        z, a = winograd.forward(xp, kernel, (ph, pw), partial(_buffer, ws), key)
        pool2x2.forward(z, y, masks)
    else:
        a = _im2col(xp, kernel, strides, pool, (ph, pw), ws, key)
        if pool == 2:
            _pool2_by_pairs(a, kernel, y, masks, ws, key)
        else:
            z = _buffer(ws, key + "z", (q_count * m, cout), dtype)
            np.matmul(a, kernel.reshape(-1, cout), out=z)
            masks = _max_and_masks(z.reshape(q_count, m, cout), y, keep_cache, ws, key)
    cache = None
    if keep_cache:
        cache = (x.shape, xp.shape, a, masks, y, kernel, strides, padding, pool, (ph, pw))
    if bias is not None:
        y += bias
    np.maximum(y, 0, out=y)
    return y.reshape(n, ph, pw, cout), cache


def _max_and_masks(z, y, keep_cache, ws, key):
    """Maxima over the taps of ``z`` (q, m, cout) into ``y``; with ``keep_cache``, the masks
    (q, m, cout) of the first tap holding each maximum."""
    np.copyto(y, z[0])
    for q in range(1, len(z)):
        np.maximum(y, z[q], out=y)
    masks = None
    if keep_cache:
        q_count, m, cout = z.shape
        masks = _buffer(ws, key + "masks", (q_count, m, cout), np.bool_)
        taken = _buffer(ws, key + "taken", (m, cout), np.bool_, zero=True)
        for q in range(q_count):
            # the first tap holding the maximum gets the gradient, as in TensorFlow and PyTorch
            np.equal(z[q], y, out=masks[q])
            masks[q] &= ~taken
            taken |= masks[q]
    return masks


def conv_relu_maxpool_backward(dy, cache, need_dx=True, ws=None, key=""):
    """Gradients of :func:`conv_relu_maxpool_forward`.

    Returns
    -------
    dx : ndarray, shape of x, or None
    dkernel : ndarray, shape (kh, kw, cin, cout)
    dbias : ndarray, shape (cout,)
    """
    x_shape, xp_shape, a, masks, y, kernel, strides, padding, pool, (ph, pw) = cache
    kh, kw, cin, cout = kernel.shape
    q_count, m = pool * pool, masks.shape[1]
    dtype = kernel.dtype
    dp = _buffer(ws, key + "dp", (m, cout), dtype)
    np.multiply(dy.reshape(m, cout), y > 0, out=dp)
    # a BLAS matrix-vector product sums the columns ~10x faster than dp.sum(axis=0)
    ones = _buffer(ws, key + "ones", (m,), dtype)
    ones.fill(1)
    dbias = ones @ dp
    # float times uint8 runs a direct loop; float times bool casts through a buffer
    masks = masks.view(np.uint8)
    if winograd.applies(kernel.shape, strides, pool):
        dxp, dkernel = winograd.backward(dp, masks, a, kernel, xp_shape, (ph, pw), need_dx,
                                         partial(_buffer, ws), key)
    elif pool == 2 and not need_dx:
        dkernel, dxp = _kernel_grad_by_pairs(dp, masks, a, kernel, ws, key), None
    else:
        # with pool != 2 the forward pass's conv outputs (all taps at once) are dead by now:
        # their memory takes the gradient (a smaller working set stays in the caches)
        dz = _buffer(ws, key + ("dz" if pool == 2 else "z"), (q_count * m, cout), dtype)
        dz = dz.reshape(q_count, m, cout)
        if pool == 2:
            pool2x2.route(dp, masks, dz)
        else:
            for q in range(q_count):
                np.multiply(dp, masks[q], out=dz[q])
        dz = dz.reshape(q_count * m, cout)
        dkernel = (a.T @ dz).reshape(kernel.shape)
        dxp = _im2col_input_grad(dz, kernel, xp_shape, strides, pool, (ph, pw), ws, key) \
            if need_dx else None
    if dxp is None:
        return None, dkernel, dbias
    return unpad(dxp, x_shape, (kh, kw), strides, padding), dkernel, dbias


def _im2col_input_grad(dz, kernel, xp_shape, strides, pool, pooled_hw, ws, key):
    """Gradient of the padded input from the conv-output gradient ``dz`` of the fused forward."""
    kh, kw, cin, cout = kernel.shape
    (ph, pw), q_count, dtype = pooled_hw, pool * pool, kernel.dtype
    # lay the conv-output gradient out spatially again, then one product per kernel tap
    # whose (N, rows, cols, cin) result adds onto a window of dx with long contiguous rows
    n = xp_shape[0]
    (sh, sw), rows, cols = strides, pool * ph, pool * pw
    spatial = _buffer(ws, key + "spatial", (n, rows, cols, cout), dtype)
    quadrants = dz.reshape(q_count, n, ph, pw, cout)
    for q in range(q_count):
        di, dj = divmod(q, pool)
        spatial[:, di::pool, dj::pool, :] = quadrants[q]
    spatial = spatial.reshape(n * rows * cols, cout)
    tap = _buffer(ws, key + "tap", (n * rows * cols, cin), dtype)
    dxp = _buffer(ws, key + "dxp", xp_shape, dtype, zero=True)
    for i in range(kh):
        for j in range(kw):
            np.matmul(spatial, kernel[i, j].T, out=tap)
            dxp[:, i:i + sh * rows:sh, j:j + sw * cols:sw, :] += tap.reshape(n, rows, cols, cin)
    return dxp
