"""Batched convnet maths on channels-last arrays, each fast function beside its naive twin.

Shapes follow Keras: images ``(N, H, W, C)``, conv kernels ``(kh, kw, cin, cout)``, dense kernels
``(in, out)``. The fast functions build im2col matrices with a few large slice copies and hand the
work to one BLAS matrix product; the ``naive_*`` functions loop over output positions and are the
tests' reference.
"""

import numpy as np

from cnn_explorer.core.padding import output_length


def conv_output_size(size, kernel, stride, padding):
    """Output length of a convolution or pooling along one axis (Keras/TensorFlow rules).

    The formula is ``core.padding.output_length`` with TensorFlow's "same" padding; 0 when the
    window does not fit, which the layers turn into a ValueError naming themselves.
    """
    pad = same_padding(size, kernel, stride) if padding == "same" else (0, 0)
    try:
        return output_length(size, kernel, stride=stride, pad=pad)
    except ValueError:
        return 0


def same_padding(size, kernel, stride):
    """(before, after) zero padding TensorFlow uses for ``padding="same"`` (extra pixel after)."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def pad_input(x, kernel_size, strides, padding):
    """Zero-pad ``x`` (N, H, W, C) for a ``"same"`` convolution; ``"valid"`` returns ``x`` itself."""
    if padding == "valid":
        return x
    (kh, kw), (sh, sw) = kernel_size, strides
    top, bottom = same_padding(x.shape[1], kh, sh)
    left, right = same_padding(x.shape[2], kw, sw)
    if top == bottom == left == right == 0:
        return x
    return np.pad(x, ((0, 0), (top, bottom), (left, right), (0, 0)))


def unpad(dx_padded, x_shape, kernel_size, strides, padding):
    """Crop a gradient of the padded input back to ``x_shape`` (inverse of :func:`pad_input`)."""
    if padding == "valid" or dx_padded.shape == tuple(x_shape):
        return dx_padded
    top = same_padding(x_shape[1], kernel_size[0], strides[0])[0]
    left = same_padding(x_shape[2], kernel_size[1], strides[1])[0]
    return dx_padded[:, top:top + x_shape[1], left:left + x_shape[2], :]


def im2col(x, kernel_size, strides, out_hw):
    """Patches of an already padded batch as one matrix.

    Parameters
    ----------
    x : ndarray, shape (N, H, W, C)
    kernel_size, strides : (int, int)
    out_hw : (int, int)
        Output height and width (the patches taken).

    Returns
    -------
    ndarray, shape (N * oh * ow, kh * kw * C)
        Row ``(n, i, j)`` holds the window under output pixel ``(i, j)`` in ``(kh, kw, C)`` order.
        Built with ``kh * kw`` slice copies, one per kernel tap.
    """
    n, c = x.shape[0], x.shape[3]
    (kh, kw), (sh, sw), (oh, ow) = kernel_size, strides, out_hw
    cols = np.empty((n, oh, ow, kh, kw, c), dtype=x.dtype)
    for i in range(kh):
        for j in range(kw):
            cols[:, :, :, i, j, :] = x[:, i:i + sh * oh:sh, j:j + sw * ow:sw, :]
    return cols.reshape(n * oh * ow, kh * kw * c)


def col2im(dcols, x_shape, kernel_size, strides, out_hw):
    """Adjoint of :func:`im2col`: add every patch gradient back onto the padded input.

    Parameters
    ----------
    dcols : ndarray, shape (N * oh * ow, kh * kw * C)
    x_shape : tuple (N, H, W, C) of the padded input

    Returns
    -------
    ndarray, shape x_shape
    """
    n, c = x_shape[0], x_shape[3]
    (kh, kw), (sh, sw), (oh, ow) = kernel_size, strides, out_hw
    d = dcols.reshape(n, oh, ow, kh, kw, c)
    dx = np.zeros(x_shape, dtype=dcols.dtype)
    for i in range(kh):
        for j in range(kw):
            dx[:, i:i + sh * oh:sh, j:j + sw * ow:sw, :] += d[:, :, :, i, j, :]
    return dx


def conv2d_forward(x, kernel, bias, strides=(1, 1), padding="valid"):
    """Cross-correlation as Keras's Conv2D computes it.

    Parameters
    ----------
    x : ndarray, shape (N, H, W, cin)
    kernel : ndarray, shape (kh, kw, cin, cout)
    bias : ndarray, shape (cout,) or None
    strides : (int, int)
    padding : "valid" or "same"

    Returns
    -------
    y : ndarray, shape (N, oh, ow, cout)
    cols : ndarray, shape (N * oh * ow, kh * kw * cin)
        The im2col matrix, kept for the backward pass.
    """
    kh, kw, cin, cout = kernel.shape
    xp = pad_input(x, (kh, kw), strides, padding)
    oh = (xp.shape[1] - kh) // strides[0] + 1
    ow = (xp.shape[2] - kw) // strides[1] + 1
    cols = im2col(xp, (kh, kw), strides, (oh, ow))
    y = cols @ kernel.reshape(-1, cout)
    if bias is not None:
        y += bias
    return y.reshape(x.shape[0], oh, ow, cout), cols


def conv2d_backward(dy, x_shape, cols, kernel, strides=(1, 1), padding="valid", need_dx=True):
    """Gradients of :func:`conv2d_forward`.

    Parameters
    ----------
    dy : ndarray, shape (N, oh, ow, cout)
    x_shape : tuple (N, H, W, cin) of the unpadded input
    cols : the im2col matrix returned by the forward pass

    Returns
    -------
    dx : ndarray, shape x_shape, or None when ``need_dx`` is false
    dkernel : ndarray, shape (kh, kw, cin, cout)
    dbias : ndarray, shape (cout,)
    """
    kh, kw, cin, cout = kernel.shape
    n, oh, ow, _ = dy.shape
    d2 = dy.reshape(-1, cout)
    dkernel = (cols.T @ d2).reshape(kernel.shape)
    dbias = d2.sum(axis=0)
    if not need_dx:
        return None, dkernel, dbias
    padded_shape = list(x_shape)
    if padding == "same":
        top, bottom = same_padding(x_shape[1], kh, strides[0])
        left, right = same_padding(x_shape[2], kw, strides[1])
        padded_shape[1] += top + bottom
        padded_shape[2] += left + right
    dcols = d2 @ kernel.reshape(-1, cout).T
    dxp = col2im(dcols, tuple(padded_shape), (kh, kw), strides, (oh, ow))
    return unpad(dxp, x_shape, (kh, kw), strides, padding), dkernel, dbias


def naive_conv2d(x, kernel, bias, strides=(1, 1), padding="valid"):
    """Reference convolution: one window at a time. Same arguments and result as the fast one."""
    kh, kw, cin, cout = kernel.shape
    xp = pad_input(x, (kh, kw), strides, padding)
    oh = (xp.shape[1] - kh) // strides[0] + 1
    ow = (xp.shape[2] - kw) // strides[1] + 1
    y = np.zeros((x.shape[0], oh, ow, cout), dtype=np.result_type(x, kernel))
    for i in range(oh):
        for j in range(ow):
            r, c = i * strides[0], j * strides[1]
            window = xp[:, r:r + kh, c:c + kw, :]
            for o in range(cout):
                y[:, i, j, o] = (window * kernel[:, :, :, o]).sum(axis=(1, 2, 3))
    if bias is not None:
        y += bias
    return y


def pool_output_hw(x_shape, pool_size, strides):
    """(oh, ow) of a floor-mode ("valid") pooling of images ``x_shape`` (N, H, W, C)."""
    return tuple(conv_output_size(n, k, s, "valid")
                 for n, k, s in zip(x_shape[1:3], pool_size, strides))


def _pool_windows(x, pool_size, strides, out_hw):
    """Yield (tap index, strided view of x) for each position inside the pooling window."""
    (ph, pw), (sh, sw), (oh, ow) = pool_size, strides, out_hw
    for i in range(ph):
        for j in range(pw):
            yield i * pw + j, (slice(None), slice(i, i + sh * oh, sh), slice(j, j + sw * ow, sw))


def maxpool_forward(x, pool_size=(2, 2), strides=(2, 2)):
    """Max pooling (floor mode) and, for the backward pass, the first arg-max inside each window.

    Parameters
    ----------
    x : ndarray, shape (N, H, W, C)

    Returns
    -------
    y : ndarray, shape (N, oh, ow, C)
    argmax : ndarray of uint8, shape (N, oh, ow, C)
        Tap index ``i * pw + j`` of the first maximum in the window (row-major), as TensorFlow
        and PyTorch route the gradient on ties.
    """
    out_hw = pool_output_hw(x.shape, pool_size, strides)
    y = None
    for k, sl in _pool_windows(x, pool_size, strides, out_hw):
        v = x[sl]
        if y is None:
            y = v.copy()
            argmax = np.zeros(v.shape, dtype=np.uint8)
            continue
        greater = v > y
        np.copyto(y, v, where=greater)
        argmax[greater] = k
    return y, argmax


def maxpool_backward(dy, argmax, x_shape, pool_size=(2, 2), strides=(2, 2)):
    """Route each output gradient to the arg-max pixel of its window; returns dx of ``x_shape``."""
    dx = np.zeros(x_shape, dtype=dy.dtype)
    for k, sl in _pool_windows(dx, pool_size, strides, dy.shape[1:3]):
        dx[sl] += np.where(argmax == k, dy, 0)
    return dx


def avgpool_forward(x, pool_size=(2, 2), strides=(2, 2)):
    """Average pooling (floor mode): (N, H, W, C) -> (N, oh, ow, C)."""
    out_hw = pool_output_hw(x.shape, pool_size, strides)
    y = np.zeros((x.shape[0],) + out_hw + (x.shape[3],), dtype=x.dtype)
    for _, sl in _pool_windows(x, pool_size, strides, out_hw):
        y += x[sl]
    y /= pool_size[0] * pool_size[1]
    return y


def avgpool_backward(dy, x_shape, pool_size=(2, 2), strides=(2, 2)):
    """Spread each output gradient evenly over its window; returns dx of ``x_shape``."""
    dx = np.zeros(x_shape, dtype=dy.dtype)
    share = dy / (pool_size[0] * pool_size[1])
    for _, sl in _pool_windows(dx, pool_size, strides, dy.shape[1:3]):
        dx[sl] += share
    return dx


def naive_pool(x, pool_size=(2, 2), strides=(2, 2), mode="max"):
    """Reference pooling, one window at a time; ``mode`` is "max" or "average"."""
    oh, ow = pool_output_hw(x.shape, pool_size, strides)
    y = np.empty((x.shape[0], oh, ow, x.shape[3]), dtype=x.dtype)
    reduce = np.max if mode == "max" else np.mean
    for i in range(oh):
        for j in range(ow):
            r, c = i * strides[0], j * strides[1]
            y[:, i, j, :] = reduce(x[:, r:r + pool_size[0], c:c + pool_size[1], :], axis=(1, 2))
    return y


def activation_forward(name, z):
    """Apply ``relu``, ``sigmoid``, ``tanh``, ``softmax`` (last axis) or ``linear`` to ``z``."""
    if name == "relu":
        return np.maximum(z, 0)
    if name == "sigmoid":
        return 0.5 * (1.0 + np.tanh(0.5 * z))  # tanh form never overflows
    if name == "tanh":
        return np.tanh(z)
    if name == "softmax":
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)
    return z


def activation_backward(name, dy, y):
    """Gradient through an activation given its output ``y``."""
    if name == "relu":
        return dy * (y > 0)
    if name == "sigmoid":
        return dy * y * (1 - y)
    if name == "tanh":
        return dy * (1 - y * y)
    if name == "softmax":
        return y * (dy - (dy * y).sum(axis=-1, keepdims=True))
    return dy


# Keras clips probabilities to [eps, 1 - eps] before the log when the model outputs probabilities.
PROBABILITY_EPSILON = 1e-7


def sparse_cross_entropy_from_logits(logits, labels):
    """Summed softmax cross-entropy and its gradient with respect to the logits.

    Parameters
    ----------
    logits : ndarray, shape (N, K)
    labels : ndarray of int, shape (N,)

    Returns
    -------
    loss_sum : float
        Sum over the batch (callers divide by the full batch size).
    probs : ndarray, shape (N, K)
    dlogits : ndarray, shape (N, K)
        Gradient of ``loss_sum``: ``probs - onehot``.
    """
    shifted = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    s = e.sum(axis=1, keepdims=True)
    probs = e / s
    rows = np.arange(len(labels))
    loss_sum = float((np.log(s[:, 0]) - shifted[rows, labels]).sum())
    dlogits = probs.copy()
    dlogits[rows, labels] -= 1
    return loss_sum, probs, dlogits


def sparse_cross_entropy_from_probs(probs, labels):
    """Summed cross-entropy of probabilities (Keras clipping) and its gradient w.r.t. ``probs``."""
    rows = np.arange(len(labels))
    p = np.clip(probs[rows, labels], PROBABILITY_EPSILON, 1 - PROBABILITY_EPSILON)
    dprobs = np.zeros_like(probs)
    inside = (probs[rows, labels] > PROBABILITY_EPSILON) & (probs[rows, labels] < 1 - PROBABILITY_EPSILON)
    dprobs[rows, labels] = np.where(inside, -1.0 / p, 0.0)
    return float(-np.log(p).sum()), dprobs
