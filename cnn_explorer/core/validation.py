"""Input checks shared by the core: every bad input becomes a ``ValueError`` a student can read."""

from __future__ import annotations

import numbers

import numpy as np


def shape_text(shape) -> str:
    """``(5, 3)`` -> ``"5×3"``; ``(4,)`` -> ``"4"``."""
    return "×".join(str(int(s)) for s in shape)


def as_float_array(values, *, name: str, ndim: int | tuple[int, ...]) -> np.ndarray:
    """Convert ``values`` to a finite float64 array with ``ndim`` dimensions.

    Parameters
    ----------
    values : array_like
        Numbers (nested lists, tuples or an array).
    name : str
        What the values are ("input", "kernel", "weights"), used in messages.
    ndim : int or tuple of int
        Required number of dimensions (1 or 2), or the numbers allowed.

    Returns
    -------
    ndarray, float64, ``ndim`` dimensions
        May share memory with ``values`` when that already is a float64 array: do not write to it.

    Raises
    ------
    ValueError
        Ragged rows, text, complex numbers, empty, wrong number of dimensions, NaN or infinity.
    """
    try:
        arr = np.asarray(values)
    except ValueError:
        raise ValueError(f"the {name} has rows of different lengths; every row needs the same "
                         "number of values") from None
    if arr.dtype == object:
        raise ValueError(f"the {name} has rows of different lengths or values that are not numbers")
    if arr.dtype.kind not in "biuf":
        raise ValueError(f"the {name} must contain only numbers (found {_kind_word(arr)})")
    arr = arr.astype(np.float64, copy=False)
    if arr.size == 0:
        raise ValueError(f"the {name} is empty; it needs at least one value")
    allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
    if arr.ndim not in allowed:
        words = {1: "a list of numbers", 2: "rows of numbers (a 2D grid)", 3: "a volume (a 3D grid)"}
        want = " or ".join(words.get(d, f"a {d}D array") for d in allowed)
        raise ValueError(f"the {name} must be {want}; got {arr.ndim} dimension"
                         f"{'' if arr.ndim == 1 else 's'}")
    # A NaN or infinity anywhere makes the (fast) sum non-finite; only then look closer.
    with np.errstate(over="ignore"):           # large finite values may overflow the sum
        suspicious = not np.isfinite(arr.sum())
    if suspicious and not np.all(np.isfinite(arr)):
        bad = np.argwhere(~np.isfinite(arr))[0]
        where = ", ".join(str(int(i)) for i in bad)
        raise ValueError(f"the {name} contains {arr[tuple(bad)]} at position ({where}); "
                         "only finite numbers are allowed")
    return arr


def as_block(values, *, name: str, ndim: int, layout: str) -> np.ndarray:
    """:func:`as_float_array` for an array of ``ndim`` axes whose message names its ``layout``
    (``"(rows, columns, channels)"``) when the number of axes is wrong."""
    try:
        dims = np.ndim(values)
    except ValueError:            # ragged lists: as_float_array says so in words
        dims = ndim
    if dims != ndim and dims > 0:
        raise ValueError(f"the {name} must have {ndim} axes {layout}; got {dims}")
    return as_float_array(values, name=name, ndim=ndim)


def _kind_word(arr: np.ndarray) -> str:
    return {"U": "text", "S": "text", "c": "complex numbers"}.get(arr.dtype.kind, str(arr.dtype))


def per_axis(value, ndim: int, name: str, *, minimum: int = 1) -> tuple[int, ...]:
    """An int or a per-axis tuple of ints -> a tuple of ``ndim`` ints, each ``>= minimum``."""
    if isinstance(value, np.ndarray) and value.ndim > 1:
        raise ValueError(f"{name} needs one value or {ndim} values (one per axis); got an array "
                         f"of shape {value.shape}")
    items = tuple(value) if is_sequence(value) else (value,) * ndim
    if len(items) != ndim:
        raise ValueError(f"{name} needs one value or {ndim} values (one per axis); got {len(items)}")
    out = tuple(as_int(v, name) for v in items)
    for v in out:
        if v < minimum:
            raise ValueError(f"{name} must be at least {minimum} (got {v})")
    return out


def is_sequence(value) -> bool:
    """A tuple, list or 1-d array (a 0-d array such as ``np.array(2)`` is one number)."""
    return isinstance(value, (tuple, list)) or (isinstance(value, np.ndarray) and value.ndim > 0)


def as_int(value, name: str) -> int:
    """An integral number (``3``, ``np.int64(3)``, ``3.0``, ``np.array(3)``) -> ``int``; anything
    else (text, None, 2.5, infinity) is a ``ValueError``."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a whole number (got {_short(value)})")
    if isinstance(value, numbers.Rational):          # ints, NumPy ints, Fractions: exact
        if value.denominator != 1:
            raise ValueError(f"{name} must be a whole number (got {_short(value)})")
        return int(value)
    value = float(value)
    if not value.is_integer():                       # also NaN and infinity
        raise ValueError(f"{name} must be a whole number (got {_short(value)})")
    return int(value)


def is_whole(value) -> bool:
    """True for an int or a NumPy int, not a bool: a count, as a layer's filters or units are
    (``2.0`` is not one; :func:`as_int` is the lenient reading for sizes typed into a box)."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def as_real(value, name: str) -> float:
    """A finite real number (``0.5``, ``np.float32(0.5)``, ``3``, ``np.array(0.5)``) -> ``float``.

    Parameters
    ----------
    value : object
        What was given.
    name : str
        What the number is ("learning rate", "momentum"), used in the message.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        Text, None, a bool, a complex number, NaN or infinity, or a number too large for a float.
    """
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a number (got {_short(value)})")
    try:
        number = float(value)
    except OverflowError:                            # an int or Fraction beyond 1.8e308
        number = float("inf")
    if not np.isfinite(number):
        raise ValueError(f"{name} must be a finite number (got {_short(value)})")
    return number


def frozen(values, dtype=None) -> np.ndarray:
    """``values`` as an array nobody can write to, for the core's frozen states and plans.

    A read-only array that owns its data (of ``dtype``, when one is given) is returned as it is,
    so freezing a frozen value costs nothing; anything else is copied and the copy locked.
    """
    if is_frozen(values, dtype):
        return values
    arr = np.array(values, dtype=dtype, copy=True)
    arr.setflags(write=False)
    return arr


def is_frozen(values, dtype=None) -> bool:
    """True for a read-only array that owns its data (of ``dtype``, when one is given): one that
    :func:`frozen` made, not a read-only view of an array someone may still write to."""
    return (isinstance(values, np.ndarray) and not values.flags.writeable
            and values.flags.owndata and (dtype is None or values.dtype == dtype))


def as_text(value, name: str, choices) -> str:
    """One of ``choices`` (``"max"`` or ``np.array("max")``); anything else is a ``ValueError``."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"unknown {name} {_short(value)}: use one of {', '.join(choices)}")
    return str(value)


def as_bool(value, name: str) -> bool:
    """``True``/``False`` (or NumPy's, or 0/1) -> ``bool``; ``"no"`` would otherwise count as True."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, numbers.Integral) and value in (0, 1):
        return bool(value)
    raise ValueError(f"{name} must be True or False (got {_short(value)})")


def _short(value, limit: int = 40) -> str:
    """``repr(value)`` cut to ``limit`` characters (a Fraction of 10**400 is 400 digits long)."""
    text = repr(value) if not isinstance(value, numbers.Rational) or isinstance(
        value, numbers.Integral) else str(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"
