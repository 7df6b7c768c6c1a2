"""What convolution (:mod:`.ops`) and pooling (:mod:`.pooling`) share: the raster-order sum, the
loop over whole windows, and the checks made before (fit, amount of work) and after (finite
values) computing."""

from __future__ import annotations

import math

import numpy as np

from . import padding as _pad
from .validation import shape_text

#: Most products (kernel or window cells times output cells) one convolution or pooling computes:
#: under a second of work; a 7×7 kernel over a 1000×1000 image is 49,000,000.
MAX_TERMS = 500_000_000

def raster_sum(terms: np.ndarray) -> np.ndarray:
    """Sum along the last axis one term after another (``np.sum`` would pair terms up).

    Parameters
    ----------
    terms : ndarray, shape (..., n)

    Returns
    -------
    ndarray, shape (...)
        ``((t0 + t1) + t2) + ...``, the order a student adds them in.
    """
    return np.cumsum(terms, axis=-1)[..., -1]


def check_fit(what, k_shape, x_shape, pads, dilation=None) -> None:
    dilation = dilation or (1,) * len(k_shape)
    span = tuple(d * (k - 1) + 1 for k, d in zip(k_shape, dilation))
    padded = tuple(n + b + a for n, (b, a) in zip(x_shape, pads))
    if all(s <= p for s, p in zip(span, padded)):
        return
    if len(k_shape) == 1:
        k_txt, x_txt = f"{what} of {k_shape[0]} values", f"an input of {x_shape[0]} values"
    else:
        k_txt, x_txt = f"{what} {shape_text(k_shape)}", f"a {shape_text(x_shape)} input"
    if span != tuple(k_shape):
        k_txt += f" with dilation {_axis_text(dilation)} (spanning {shape_text(span)})"
    msg = f"{k_txt} does not fit in {x_txt} with padding {_pad.pads_text(pads)}"
    if any(b or a for b, a in pads):
        msg += f" ({shape_text(padded)} after padding)"
    raise ValueError(msg)


def check_terms(what: str, window: str, cells: int, out_shape) -> None:
    """Refuse work beyond :data:`MAX_TERMS` products before any of it is done (or allocated)."""
    terms = cells * math.prod(out_shape)
    if terms > MAX_TERMS:
        raise ValueError(f"this {what} needs {terms:,} products ({cells:,} {window} cells × "
                         f"{math.prod(out_shape):,} outputs), more than the {MAX_TERMS:,} this "
                         f"app computes at once; use a smaller input, {window} or padding, or a "
                         "larger stride")


def _axis_text(values) -> str:
    return str(values[0]) if len(set(values)) == 1 else shape_text(values)


def finite_result(out: np.ndarray, what: str) -> np.ndarray:
    """``out`` if every value is finite; finite inputs can still overflow (1e308 + 1e308)."""
    if not np.isfinite(out).all():
        position = tuple(int(i) for i in np.argwhere(~np.isfinite(out))[0])
        raise ValueError(f"the {what} overflows at output {position}: a sum or product there is "
                         "beyond ±1.8e308, the largest number a computer can hold; use smaller "
                         "values")
    return out


def per_output(setup, window, dilation, reduce, is_pad=None) -> np.ndarray:
    """Each output from its whole ``window``-shaped (``dilation``-spaced) window of
    ``setup.padded``, ``reduce(window[, real cells])``: the loop to take when windows have more
    cells than there are outputs (sums stay in raster order)."""
    out = np.empty(setup.output_shape)
    for index in np.ndindex(out.shape):
        sl = tuple(slice(i * s, i * s + d * (k - 1) + 1, d)
                   for i, s, d, k in zip(index, setup.stride, dilation, window))
        out[index] = reduce(setup.padded[sl]) if is_pad is None else \
            reduce(setup.padded[sl], ~is_pad[sl])
    return out
