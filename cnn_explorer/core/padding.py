"""How much padding, of which kind, and how long the output is.

Pads are always stored as ``((before, after), ...)`` per axis: ``((left, right),)`` in 1D and
``((top, bottom), (left, right))`` in 2D, the layout ``np.pad`` takes.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from .validation import is_sequence, as_float_array, as_int, as_text, per_axis, shape_text

#: Pad modes with PyTorch's meanings (``np.pad`` names: constant, reflect, edge, wrap).
PAD_MODES = ("zeros", "reflect", "replicate", "circular")
#: Most values a padded input may hold (400 MB as float64); beyond it NumPy fails with messages
#: about "pad_width" or memory that tell a student nothing.
MAX_PADDED_VALUES = 50_000_000
PADDING_WORDS = ("valid", "same", "full")

__all__ = ["PAD_MODES", "PADDING_WORDS", "default_anchor", "resolve_anchor", "resolve_padding", "output_length",
           "pad", "pad_mask", "pads_text", "check_pad_mode"]

_NP_MODES = {"zeros": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}
AXIS_NAMES = {1: ("values",), 2: ("rows", "columns")}


def default_anchor(size: int) -> int:
    """The kernel element that is the centre by default: the middle one, ``(size - 1) // 2``.

    For an even size this is the left/top one of the two middle elements.
    """
    return (_shape(size, "kernel size")[0] - 1) // 2


def resolve_anchor(anchor, kernel_shape) -> tuple[int, ...]:
    """``None``, an int or a per-axis tuple -> one checked anchor index per axis."""
    kernel_shape = _shape(kernel_shape, "kernel size")
    if anchor is None:
        return tuple(default_anchor(k) for k in kernel_shape)
    out = per_axis(anchor, len(kernel_shape), "anchor", minimum=0)
    for a, k in zip(out, kernel_shape):
        if a >= k:
            raise ValueError(f"anchor {a} is outside a kernel of {k} element{'s' * (k != 1)} "
                             f"(choose 0 to {k - 1})")
    return out


def resolve_padding(padding, kernel_shape, *, dilation=1, anchor=None) -> tuple[tuple[int, int], ...]:
    """Turn a padding request into ``(before, after)`` amounts per axis.

    Parameters
    ----------
    padding : {"valid", "same", "full"} or int or tuple
        ``"valid"``: none. ``"same"``: ``dilation*(k-1)`` in total per axis, ``dilation*anchor``
        of it before the data, so the output keeps the input's size and each output sits where the
        anchor touched. ``"full"``: ``dilation*(k-1)`` on both sides (every overlap counts).
        An int pads every side by that amount. A tuple gives explicit amounts:
        ``(left, right)`` in 1D; ``(top, bottom, left, right)`` in 2D. In 2D a pair ``(rows, cols)``
        pads each axis symmetrically, and ``((top, bottom), (left, right))`` is accepted too.
    kernel_shape : int or tuple of int
        Kernel (or pooling window) shape; its length gives the number of axes.
    dilation : int or tuple of int
        Spacing between kernel taps.
    anchor : int or tuple of int or None
        Index of the kernel's centre element per axis (default ``(k - 1) // 2``), in the kernel
        as it is applied.

    Returns
    -------
    tuple of (int, int)
        ``(before, after)`` for each axis.

    Examples
    --------
    >>> resolve_padding("same", (2,), anchor=1)    # the guide's [-1, 1]: one zero on the left
    ((1, 0),)
    >>> resolve_padding((1, 0, 2, 3), (3, 3))
    ((1, 0), (2, 3))
    """
    kernel_shape = _shape(kernel_shape, "kernel size")
    ndim = len(kernel_shape)
    dil = per_axis(dilation, ndim, "dilation")
    if isinstance(padding, np.ndarray) and padding.ndim == 0 and padding.dtype.kind in "US":
        padding = str(padding[()])      # np.array("same") reads as the word
    if isinstance(padding, str):
        word = padding.strip().lower()
        if word == "valid":
            return ((0, 0),) * ndim
        if word in ("same", "full"):
            anc = resolve_anchor(anchor, kernel_shape)
            pads = []
            for k, d, a in zip(kernel_shape, dil, anc):
                total = d * (k - 1)
                pads.append((d * a, total - d * a) if word == "same" else (total, total))
            return tuple(pads)
        raise ValueError(f"unknown padding {padding!r}: use 'valid', 'same', 'full', a whole "
                         "number, or explicit amounts per side")
    return _explicit(padding, ndim)


def _explicit(padding, ndim: int) -> tuple[tuple[int, int], ...]:
    if is_sequence(padding):
        items = list(padding)
        if items and all(is_sequence(p) for p in items):
            if len(items) != ndim or any(len(p) != 2 for p in items):
                raise ValueError(_explicit_help(ndim, padding))
            flat = [v for p in items for v in p]
        elif len(items) == 2 * ndim:
            flat = items
        elif len(items) == ndim:
            flat = [v for v in items for _ in range(2)]
        else:
            raise ValueError(_explicit_help(ndim, padding))
    else:
        flat = [padding] * (2 * ndim)
    amounts = [as_int(v, "padding") for v in flat]
    if any(v < 0 for v in amounts):
        raise ValueError(f"padding cannot be negative (got {_padding_text(padding)})")
    return tuple((amounts[2 * i], amounts[2 * i + 1]) for i in range(ndim))


def _explicit_help(ndim: int, padding) -> str:
    sides = "(left, right)" if ndim == 1 else "(top, bottom, left, right) or (rows, columns)"
    return f"padding {_padding_text(padding)} is not understood: give one number or {sides}"


def _padding_text(padding) -> str:
    return repr(tuple(padding)) if isinstance(padding, (list, np.ndarray)) else repr(padding)


def pads_text(pads) -> str:
    """Short human description: ``"0"``, ``"1"``, or ``"top 1, bottom 0, left 1, right 1"``."""
    return _describe(_pads(pads))


def _describe(pads) -> str:
    flat = [v for p in pads for v in p]
    if len(set(flat)) == 1:
        return str(flat[0])
    names = ("left", "right") if len(pads) == 1 else ("top", "bottom", "left", "right")
    return ", ".join(f"{n} {v}" for n, v in zip(names, flat))


def output_length(n, k, *, stride=1, dilation=1, pad=(0, 0), ceil_mode=False) -> int:
    """Number of window positions along one axis.

    ``floor((n + before + after - dilation*(k-1) - 1) / stride) + 1``, or with ``ceil_mode`` the
    ceiling, dropping a last window that would start beyond the input and the left padding
    (PyTorch's rule, so no window sees only padding on the right).

    Parameters
    ----------
    n, k : int
        Input length and kernel (window) length.
    stride, dilation : int
        Step between windows and spacing between taps (both at least 1).
    pad : (int, int)
        Padding before and after.
    ceil_mode : bool
        Round up instead of down (pooling).

    Returns
    -------
    int
        Output length, at least 1.

    Raises
    ------
    ValueError
        If the (dilated) kernel is longer than the padded input, or arguments are out of range.
    """
    n, k = as_int(n, "input length"), as_int(k, "kernel size")
    stride, dilation = as_int(stride, "stride"), as_int(dilation, "dilation")
    before, after = _pads((pad,), 1)[0]
    if n < 1 or k < 1:
        raise ValueError(f"input length and kernel size must be at least 1 (got {n} and {k})")
    if stride < 1:
        raise ValueError(f"stride must be at least 1 (got {stride})")
    if dilation < 1:
        raise ValueError(f"dilation must be at least 1 (got {dilation})")
    span = dilation * (k - 1) + 1
    room = n + before + after - span
    if room < 0:
        spans = f" (spanning {span} with dilation {dilation})" if dilation > 1 else ""
        raise ValueError(f"a kernel of {k}{spans} does not fit in an input of {n} "
                         f"with padding {before}+{after} ({n + before + after} cells)")
    if not ceil_mode:
        return room // stride + 1
    out = -(-room // stride) + 1
    if (out - 1) * stride >= n + before:
        out -= 1
    return out


def output_length_text(n, k, *, stride=1, pad=(0, 0), ceil_mode=False) -> str:
    """:func:`output_length` written out with its numbers (no dilation), e.g.
    ``"⌊(6 + 0 + 0 − 2) / 2⌋ + 1 = 3"``; the same ``ValueError`` when the window does not fit."""
    out = output_length(n, k, stride=stride, pad=pad, ceil_mode=ceil_mode)
    lo, hi = ("⌈", "⌉") if ceil_mode else ("⌊", "⌋")
    return f"{lo}({n} + {pad[0]} + {pad[1]} − {k}) / {stride}{hi} + 1 = {out}"


def check_pad_mode(mode: str, x_shape, pads) -> str:
    """Check ``mode`` is known and that ``reflect``/``circular`` have enough data to copy from."""
    mode = as_text(mode, "pad mode", PAD_MODES)
    x_shape = _shape(x_shape, "input size")
    pads = _pads(pads, len(x_shape))
    words = AXIS_NAMES.get(len(x_shape), ("axis",) * len(x_shape))
    for n, (before, after), word in zip(x_shape, pads, words):
        most = max(before, after)
        if mode == "reflect" and most > n - 1:
            raise ValueError(f"reflect padding {most} is too large for {n} {word}: reflecting "
                             f"(without repeating the edge) allows at most {n - 1}")
        if mode == "circular" and most > n:
            raise ValueError(f"circular padding {most} is too large for {n} {word}: wrapping "
                             f"around allows at most {n}")
    return mode



def pad(x, pads, mode="zeros", value=0.0) -> np.ndarray:
    """Pad ``x`` by ``pads`` with one of :data:`PAD_MODES`.

    Parameters
    ----------
    x : ndarray, shape (n,), (h, w) or (d, h, w)
    pads : tuple of (int, int)
        ``(before, after)`` per axis, e.g. from :func:`resolve_padding`.
    mode : {"zeros", "reflect", "replicate", "circular"}
        ``zeros`` fills with ``value`` (``-inf`` is how max pooling pads); ``reflect`` mirrors
        without repeating the edge (``d c b | a b c d``); ``replicate`` repeats the edge;
        ``circular`` wraps around.
    value : float
        Fill value for ``zeros``.

    Returns
    -------
    ndarray, float64, shape (n + before + after,) or (h + top + bottom, w + left + right)

    Raises
    ------
    ValueError
        Negative or non-integer amounts, unknown mode, reflect/circular padding larger than the
        input allows, or a padded input over :data:`MAX_PADDED_VALUES` values.
    """
    x = as_float_array(x, name="input", ndim=(1, 2, 3))   # 3: the volumes of core.conv3d
    pads = _pads(pads, x.ndim)
    mode = check_pad_mode(mode, x.shape, pads)
    if not isinstance(value, numbers.Real) or math.isnan(value):
        raise ValueError(f"the pad value must be a number (got {value!r})")
    shape = tuple(n + b + a for n, (b, a) in zip(x.shape, pads))
    if math.prod(shape) > MAX_PADDED_VALUES:
        raise ValueError(f"padding {pads_text(pads)} makes the input {shape_text(shape)} "
                         f"({math.prod(shape):,} values), more than the "
                         f"{MAX_PADDED_VALUES:,} this app computes with; use less padding")
    if mode == "zeros":
        return np.pad(x, pads, mode="constant", constant_values=value)
    return np.pad(x, pads, mode=_NP_MODES[mode])


def pad_mask(shape, pads) -> np.ndarray:
    """Boolean array of the padded shape, True on pad cells and False on the original data."""
    shape = _shape(shape, "input size")
    pads = _pads(pads, len(shape))
    mask = np.ones(tuple(n + b + a for n, (b, a) in zip(shape, pads)), dtype=bool)
    mask[tuple(slice(b, b + n) for n, (b, _) in zip(shape, pads))] = False
    return mask


def _shape(shape, name: str) -> tuple[int, ...]:
    """An int or a tuple of ints, each at least 1 (a shape or a kernel size)."""
    out = tuple(as_int(s, name) for s in shape) if is_sequence(shape) else (as_int(shape, name),)
    if not out or min(out) < 1:
        raise ValueError(f"{name} needs at least one axis and at least 1 per axis (got {shape!r})")
    return out


def _pads(pads, ndim: int | None = None) -> tuple[tuple[int, int], ...]:
    """``((before, after), ...)`` checked: one pair of whole numbers ``>= 0`` per axis."""
    if not is_sequence(pads) or not all(is_sequence(p) and len(p) == 2 for p in pads):
        raise ValueError(f"pads must be one (before, after) pair per axis (got {pads!r})")
    if ndim is not None and len(pads) != ndim:
        raise ValueError(f"pads has {len(pads)} axes but the input has {ndim}")
    out = tuple((as_int(b, "padding"), as_int(a, "padding")) for b, a in pads)
    if any(b < 0 or a < 0 for b, a in out):
        text = ", ".join(str(v) for p in out for v in p) if len(out) == 1 else _describe(out)
        raise ValueError(f"padding cannot be negative (got {text})")
    return out
