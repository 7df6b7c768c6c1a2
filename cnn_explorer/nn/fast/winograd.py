"""Winograd F(2x2, 3x3) convolution for the fused Conv2D(relu) + 2x2 MaxPooling2D block.

A 3x3 stride-1 convolution computes each 2x2 output tile from a 4x4 input tile; Winograd's
minimal filtering does it with 16 products per (input, output) channel pair instead of 36
(Lavin & Gray 2016, "Fast Algorithms for Convolutional Neural Networks"):

    Y = A^T [(G g G^T) * (B^T d B)] A

The 2x2 output tiles are exactly the 2x2 pooling windows, so the tiles are the pooled positions
and the four outputs come out grouped by pooling tap, the layout :mod:`.fused` pools from. The
channel sums become 16 independent matrix products (one per position of the 4x4 transformed
tile) of 2.25x fewer multiplications than im2col's single product, in the forward pass and in
both gradients. B, G and A hold only 0, +-1 and +-1/2, so the transforms are a few additions
over long contiguous arrays, and float32 results differ from im2col's only by rounding.

Tile index convention: ``(i, j)`` is the row and column inside the 4x4 transformed tile, stored
as ``4 * i + j``; the products are laid out ``(16, tiles, channels)`` with tiles ordered
(image, pooled row, pooled column).
"""

import numpy as np

from . import pool2x2

# G maps a 3-tap kernel row to the 4 transformed taps
_G = np.array([[1.0, 0.0, 0.0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0.0, 0.0, 1.0]])
# the backward pass carries the output gradient with the sign of transformed row 3 and
# column 3 flipped (it saves two negations of large arrays); this undoes it on the small ones
_SIGN = np.array([1.0, 1.0, 1.0, -1.0])
_SIGN16 = np.outer(_SIGN, _SIGN).reshape(16, 1, 1)


def applies(kernel_shape, strides, pool):
    """True when the fused block may use Winograd: 3x3 kernel, stride 1, 2x2 pool, cin > 1.

    One input channel stays on im2col: there the product is small and the input transform
    would cost about as much as it saves.
    """
    kh, kw, cin, _ = kernel_shape
    return (kh, kw) == (3, 3) and tuple(strides) == (1, 1) and pool == 2 and cin > 1


def transform_kernel(kernel):
    """``U = G g G^T`` for every channel pair.

    Parameters
    ----------
    kernel : ndarray, shape (3, 3, cin, cout)

    Returns
    -------
    ndarray, shape (16, cin, cout)
    """
    g = _G.astype(kernel.dtype)
    u = np.tensordot(g, kernel, axes=(1, 0))                    # (4, 3, cin, cout)
    u = np.tensordot(g, u, axes=(1, 1)).transpose(1, 0, 2, 3)   # (4, 4, cin, cout)
    return np.ascontiguousarray(u).reshape(16, kernel.shape[2], kernel.shape[3])


def _row_pass(src, out):
    """``out[i] = sum_r B^T[i, r] src[r]`` along axis 0: the input transform's row stage."""
    np.subtract(src[0], src[2], out=out[0])
    np.add(src[1], src[2], out=out[1])
    np.subtract(src[2], src[1], out=out[2])
    np.subtract(src[1], src[3], out=out[3])


def forward(xp, kernel, pooled_hw, buffer, key):
    """Conv outputs of every pooling window, grouped by pooling tap.

    Parameters
    ----------
    xp : ndarray, shape (N, H, W, cin)
        The (already padded) input.
    kernel : ndarray, shape (3, 3, cin, cout)
    pooled_hw : (int, int)
        Pooled output size (ph, pw): the tiles computed.
    buffer : callable
        ``buffer(key, shape, dtype)`` returning a reusable uninitialised array.
    key : str

    Returns
    -------
    z : tuple of 4 ndarrays, shape (N * ph * pw, cout)
        ``z[2 * di + dj]`` is the conv output at row ``2 * pr + di``, column ``2 * pc + dj``.
    v : ndarray, shape (16, N * ph * pw, cin)
        The transformed input tiles, kept for the backward pass.
    """
    n, _, _, cin = xp.shape
    cout = kernel.shape[3]
    ph, pw = pooled_hw
    tiles, width = n * ph * pw, 2 * pw + 2
    dtype = kernel.dtype
    products = _products_buffer(buffer, key, xp.shape, pooled_hw, cout, dtype)
    # row stage on whole-width strips (every second row from r), then the column stage; the
    # strips live in the products' memory, free until the product
    rows = products[:4 * n * ph * width * cin].reshape(4, n, ph, width, cin)
    _row_pass([xp[:, r:r + 2 * ph:2, :width, :] for r in range(4)], rows)
    v = buffer(key + "wv", (4, 4, n, ph, pw, cin), dtype)
    _row_pass([rows[:, :, :, c:c + 2 * pw:2, :] for c in range(4)],
              [v[:, j] for j in range(4)])
    v = v.reshape(16, tiles, cin)
    m = products[:16 * tiles * cout].reshape(16, tiles, cout)
    np.matmul(v, transform_kernel(kernel), out=m)
    # output transform A^T m A, A^T = [[1, 1, 1, 0], [0, 1, -1, -1]], in place: rows into
    # m[0], m[1], then columns into m[a, 0], m[a, 1]
    m = m.reshape(4, 4, tiles, cout)
    m[0] += m[1]
    m[0] += m[2]
    m[1] -= m[2]
    m[1] -= m[3]
    m[:2, 0] += m[:2, 1]
    m[:2, 0] += m[:2, 2]
    m[:2, 1] -= m[:2, 2]
    m[:2, 1] -= m[:2, 3]
    return (m[0, 0], m[0, 1], m[1, 0], m[1, 1]), v


def _products_buffer(buffer, key, xp_shape, pooled_hw, cout, dtype):
    """One flat buffer for the 16 products (forward) and their gradient (backward), large
    enough to hold the forward pass's row-stage strips too."""
    n, cin = xp_shape[0], xp_shape[3]
    ph, pw = pooled_hw
    size = max(16 * n * ph * pw * cout, 4 * n * ph * (2 * pw + 2) * cin)
    return buffer(key + "wm", (size,), dtype)


def _adjoint_pass(y, tmp):
    """In place along axis 0: ``y[r] <- sum_i B^T[i, r] y[i]`` with rows 3 carried negated.

    With row 3 of the input negated, B's adjoint becomes ``(y0, y1 - y2 - y3, y1 + y2 - y0,
    y3)``, so row 3 needs no pass of its own.
    """
    np.subtract(y[1], y[2], out=tmp)
    y[2] += y[1]
    y[2] -= y[0]
    np.subtract(tmp, y[3], out=y[1])


def backward(dp, masks, v, kernel, xp_shape, pooled_hw, need_dx, buffer, key):
    """Gradients of :func:`forward` from the pooled gradient and the pooling masks.

    Parameters
    ----------
    dp : ndarray, shape (N * ph * pw, cout)
        Gradient of the pooled conv outputs (ReLU already applied).
    masks : ndarray of uint8 (0 or 1), shape (3, N * ph * pw, cout)
        The pooling tournament's results (:func:`.pool2x2.forward`).
    v : ndarray, shape (16, N * ph * pw, cin)
        From :func:`forward`.
    kernel : ndarray, shape (3, 3, cin, cout)
    xp_shape : tuple
        Shape of the padded input.

    Returns
    -------
    dxp : ndarray, shape xp_shape, or None
    dkernel : ndarray, shape (3, 3, cin, cout)
    """
    tiles, cout = dp.shape
    cin = kernel.shape[2]
    dtype = kernel.dtype
    # dm = A dz A^T with transformed row 3 and column 3 negated (see _SIGN); the conv-output
    # gradient dz = dp * masks goes straight into dm's rows 0 and 3 (columns 0 and 3)
    # dm and dv take the memory of the forward pass's m (dead) and v (dead once du is
    # computed): a smaller working set stays in the caches
    products = _products_buffer(buffer, key, xp_shape, pooled_hw, cout, dtype)
    dm = products[:16 * tiles * cout].reshape(4, 4, tiles, cout)
    pool2x2.route(dp, masks, (dm[0, 0], dm[0, 3], dm[3, 0], dm[3, 3]))
    np.add(dm[0, ::3], dm[3, ::3], out=dm[1, ::3])
    np.subtract(dm[0, ::3], dm[3, ::3], out=dm[2, ::3])
    np.add(dm[:, 0], dm[:, 3], out=dm[:, 1])
    np.subtract(dm[:, 0], dm[:, 3], out=dm[:, 2])
    dm = dm.reshape(16, tiles, cout)
    du = np.matmul(v.transpose(0, 2, 1), dm) * _SIGN16.astype(dtype)
    g = _G.astype(dtype)
    dkernel = np.tensordot(g, du.reshape(4, 4, cin, cout), axes=(0, 0))    # (3, 4, cin, cout)
    dkernel = np.tensordot(g, dkernel, axes=(0, 1)).transpose(1, 0, 2, 3)  # (3, 3, cin, cout)
    if not need_dx:
        return None, np.ascontiguousarray(dkernel)
    # the sign-carrying dm times the plain U is the transformed input gradient with row and
    # column 3 negated, which is what _adjoint_pass expects
    dv = buffer(key + "wv", (4, 4) + tuple(xp_shape[:1]) + tuple(pooled_hw) + (cin,), dtype)
    dv = dv.reshape(16, tiles, cin)
    np.matmul(dm, transform_kernel(kernel).transpose(0, 2, 1), out=dv)
    dv = dv.reshape(4, 4, tiles, cin)
    # dm is dead now: its memory holds the adjoint's temporary and the input gradient
    tmp_size, dx_size = 4 * tiles * cin, int(np.prod(xp_shape))
    if products.size >= tmp_size + dx_size:
        tmp = products[:tmp_size].reshape(4, tiles, cin)
        dxp = products[tmp_size:tmp_size + dx_size].reshape(xp_shape)
    else:
        tmp = buffer(key + "wtmp", (4, tiles, cin), dtype)
        dxp = buffer(key + "wdxp", xp_shape, dtype)
    _adjoint_pass(dv, tmp)
    _adjoint_pass(dv.transpose(1, 0, 2, 3), tmp)
    n, ph, pw = xp_shape[0], pooled_hw[0], pooled_hw[1]
    dxp.fill(0)
    d = dv.reshape(2, 2, 2, 2, n, ph, pw, cin)
    for a in range(2):
        for b in range(2):
            target = dxp[:, 2 * a:2 * a + 2 * ph, 2 * b:2 * b + 2 * pw, :]
            target = target.reshape(n, ph, 2, pw, 2, cin)
            target += d[a, :, b].transpose(2, 3, 0, 4, 1, 5)
    return dxp, np.ascontiguousarray(dkernel)
