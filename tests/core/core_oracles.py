"""Slow, obvious reference implementations and random configurations for the core tests.

Nothing here calls ``cnn_explorer``: pads, output sizes and sums are worked out again from the
definitions, so a shared mistake cannot hide.
"""

import numpy as np
import scipy.ndimage as ndi
import scipy.signal as sps

NP_MODE = {"zeros": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}
NDI_MODE = {"zeros": "constant", "reflect": "mirror", "replicate": "nearest", "circular": "wrap"}


# --- convolution -----------------------------------------------------------------------------

def pads_for(padding, kshape, dilation, anchor, flip):
    """(before, after) per axis, from the definitions in the API contract."""
    nd = len(kshape)
    if padding == "valid":
        return [(0, 0)] * nd
    if padding == "full":
        return [(d * (k - 1),) * 2 for k, d in zip(kshape, dilation)]
    if padding == "same":
        out = []
        for k, d, a in zip(kshape, dilation, anchor):
            # The typed anchor element must read x[i]; flipping moves it to k-1-a.
            before = d * ((k - 1 - a) if flip else a)
            out.append((before, d * (k - 1) - before))
        return out
    if isinstance(padding, int):
        return [(padding, padding)] * nd
    flat = list(padding)
    if nd == 2 and len(flat) == 2:
        return [(flat[0], flat[0]), (flat[1], flat[1])]
    return [(flat[2 * i], flat[2 * i + 1]) for i in range(nd)]


def naive_conv(x, k, *, stride, pads, pad_mode, dilation, flip):
    """Loop over outputs and kernel elements; terms added in the kernel's raster order."""
    x, k = np.asarray(x, float), np.asarray(k, float)
    xp = np.pad(x, pads, mode=NP_MODE[pad_mode])
    kk = np.flip(k) if flip else k
    out_shape = tuple((n - d * (m - 1) - 1) // s + 1
                      for n, m, s, d in zip(xp.shape, k.shape, stride, dilation))
    out = np.empty(out_shape)
    for idx in np.ndindex(out_shape):
        acc = 0.0
        for off in np.ndindex(k.shape):
            pos = tuple(i * s + o * d for i, o, s, d in zip(idx, off, stride, dilation))
            acc += kk[off] * xp[pos]
        out[idx] = acc
    return out


def dilate(k, dilation):
    """Kernel with ``dilation - 1`` zeros between taps."""
    k = np.asarray(k, float)
    out = np.zeros(tuple(d * (m - 1) + 1 for m, d in zip(k.shape, dilation)))
    out[tuple(slice(None, None, d) for d in dilation)] = k
    return out


def scipy_conv(x, k, *, stride, pads, pad_mode, dilation, flip):
    """scipy.signal on the np.pad-padded input, then every stride-th output."""
    xp = np.pad(np.asarray(x, float), pads, mode=NP_MODE[pad_mode])
    func = sps.convolve if flip else sps.correlate
    full = func(xp, dilate(k, dilation), mode="valid", method="direct")
    return full[tuple(slice(None, None, s) for s in stride)]


def ndimage_conv(x, k, *, stride, pads, pad_mode, dilation, flip):
    """scipy.ndimage.correlate on the padded input, keeping the windows that fit, every stride."""
    xp = np.pad(np.asarray(x, float), pads, mode=NP_MODE[pad_mode])
    kk = dilate(np.flip(k) if flip else k, dilation)
    full = ndi.correlate(xp, kk, mode="constant")
    # ndimage centres a window of m cells at m // 2: the window starting at 0 sits there.
    valid = tuple(slice(m // 2, m // 2 + n - m + 1, s)
                  for m, n, s in zip(kk.shape, xp.shape, stride))
    return full[valid]


def fitting_shape(rng, kshape, dilation, pads, pad_mode, spread):
    """A random input shape the (dilated) kernel fits in once padded, with enough cells for the
    pad mode (reflect and circular copy from the data); up to ``spread - 1`` cells over the least."""
    shape = []
    for m, d, (b, a) in zip(kshape, dilation, pads):
        low = max(1, d * (m - 1) + 1 - b - a)
        if pad_mode == "reflect":
            low = max(low, max(b, a) + 1)
        elif pad_mode == "circular":
            low = max(low, max(b, a))
        shape.append(int(rng.integers(low, low + spread)))
    return shape


def random_conv_config(rng, nd):
    """A random convolution configuration that is valid by construction."""
    kshape = tuple(int(v) for v in rng.integers(1, 6, nd))
    dilation = tuple(int(v) for v in rng.choice([1, 1, 2, 3], nd))
    stride = tuple(int(v) for v in rng.choice([1, 1, 2, 3], nd))
    anchor = None if rng.random() < 0.4 else tuple(int(rng.integers(0, m)) for m in kshape)
    flip = bool(rng.random() < 0.3)
    pad_mode = str(rng.choice(list(NP_MODE)))
    kind = rng.choice(["valid", "same", "full", "int", "explicit", "per-axis"])
    if kind == "int":
        padding = int(rng.integers(0, 4))
    elif kind == "explicit":
        padding = tuple(int(v) for v in rng.integers(0, 4, 2 * nd))
    elif kind == "per-axis" and nd == 2:
        padding = tuple(int(v) for v in rng.integers(0, 4, 2))
    else:
        padding = str(kind) if kind != "per-axis" else "same"
    eff_anchor = anchor if anchor is not None else tuple((m - 1) // 2 for m in kshape)
    pads = pads_for(padding, kshape, dilation, eff_anchor, flip)
    shape = fitting_shape(rng, kshape, dilation, pads, pad_mode, spread=8)
    x = np.round(rng.normal(size=shape) * 4, 2)
    k = np.round(rng.normal(size=kshape) * 2, 2)
    kw = dict(stride=stride, padding=padding, pad_mode=pad_mode, dilation=dilation, anchor=anchor,
              flip=flip)
    oracle_kw = dict(stride=stride, pads=pads, pad_mode=pad_mode, dilation=dilation, flip=flip)
    if nd == 1 and rng.random() < 0.5:      # plain ints as well as one-element tuples
        kw.update(stride=stride[0], dilation=dilation[0],
                  anchor=None if anchor is None else anchor[0])
    return x, k, kw, oracle_kw


# --- pooling ---------------------------------------------------------------------------------

def pool_out_len(n, k, s, before, after, ceil_mode):
    """PyTorch's pooling output size."""
    room = n + before + after - k
    out = (-(-room // s) if ceil_mode else room // s) + 1
    if ceil_mode and (out - 1) * s >= n + before:
        out -= 1
    return out


def naive_pool(x, size, stride, pads, kind, weights=None, ceil_mode=False):
    """Loop over windows, reading real cells only (pads are -inf / zeros / not counted)."""
    x = np.asarray(x, float)
    out_shape = tuple(pool_out_len(n, k, s, b, a, ceil_mode)
                      for n, k, s, (b, a) in zip(x.shape, size, stride, pads))
    out = np.empty(out_shape)
    for idx in np.ndindex(out_shape):
        vals, wts = [], []
        for off in np.ndindex(tuple(size)):
            pos = tuple(i * s + o - b for i, o, s, (b, _) in zip(idx, off, stride, pads))
            if all(0 <= p < n for p, n in zip(pos, x.shape)):
                vals.append(x[pos])
                wts.append(None if weights is None else weights[off])
        if kind == "max":
            out[idx] = max(vals)
        elif kind == "avg":
            out[idx] = sum(vals, 0.0) / len(vals)
        elif kind == "l2":
            out[idx] = np.sqrt(sum((v * v for v in vals), 0.0))
        else:
            out[idx] = sum((w * v for w, v in zip(wts, vals)), 0.0)
    return out


def ndimage_pool(x, size, stride, pads, kind, weights=None, ceil_mode=False):
    """scipy.ndimage filters on the padded input, each window anchored at its top-left cell."""
    x = np.asarray(x, float)
    out_shape = tuple(pool_out_len(n, k, s, b, a, ceil_mode)
                      for n, k, s, (b, a) in zip(x.shape, size, stride, pads))
    extra = [(b, a + k) for k, (b, a) in zip(size, pads)]     # room for ceil_mode's overhang
    origin = [-(k // 2) for k in size]
    pick = tuple(slice(0, (o - 1) * s + 1, s) for o, s in zip(out_shape, stride))
    if kind == "max":
        xp = np.pad(x, extra, constant_values=-np.inf)
        return ndi.maximum_filter(xp, size=size, origin=origin, mode="constant",
                                  cval=-np.inf)[pick]
    xp = np.pad(x, extra)
    cells = float(np.prod(size))
    if kind == "avg":
        real = np.pad(np.ones_like(x), extra)
        sums = ndi.uniform_filter(xp, size=size, origin=origin, mode="constant") * cells
        counts = ndi.uniform_filter(real, size=size, origin=origin, mode="constant") * cells
        return sums[pick] / np.round(counts[pick])
    if kind == "l2":
        return np.sqrt(np.maximum(ndi.uniform_filter(xp * xp, size=size, origin=origin,
                                                     mode="constant") * cells, 0))[pick]
    return ndi.correlate(xp, weights, origin=origin, mode="constant")[pick]


def random_pool_config(rng, nd, kind):
    """A random pooling configuration that is valid by construction."""
    size = tuple(int(v) for v in rng.integers(1, 5, nd))
    stride = None if rng.random() < 0.3 else tuple(int(v) for v in rng.integers(1, 5, nd))
    form = rng.choice(["zero", "int", "per-axis", "explicit"])
    if form == "int":
        padding = int(rng.integers(0, min(size)))
    elif form == "per-axis":
        padding = tuple(int(rng.integers(0, k)) for k in size) if nd == 2 else 0
    elif form == "explicit":
        padding = tuple(int(rng.integers(0, k)) for k in size for _ in range(2))
    else:
        padding = 0
    if isinstance(padding, int):
        pads = [(padding, padding)] * nd
    elif len(padding) == 2 * nd:
        pads = [(padding[2 * i], padding[2 * i + 1]) for i in range(nd)]
    else:
        pads = [(p, p) for p in padding]
    shape = [int(rng.integers(max(1, k - b - a), k - b - a + 10)) for k, (b, a) in zip(size, pads)]
    x = np.round(rng.normal(size=shape) * 3, 1)
    weights = np.round(rng.normal(size=size), 2) if kind == "weighted" else None
    kw = dict(stride=stride, padding=padding, kind=kind, weights=weights,
              ceil_mode=bool(rng.random() < 0.5))
    return x, size, kw, pads, (size if stride is None else stride)
