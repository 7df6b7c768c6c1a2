"""Input checks shared by the core: every bad input becomes a ``ValueError`` a student can read."""

from __future__ import annotations

import numbers

import numpy as np


def shape_text(shape) -> str:
    """``(5, 3)`` -> ``"5×3"``; ``(4,)`` -> ``"4"``."""
    return "×".join(str(int(s)) for s in shape)


def as_float_array(values, *, name: str, ndim: int) -> np.ndarray:
    """Convert ``values`` to a finite float64 array with ``ndim`` dimensions.

    Parameters
    ----------
    values : array_like
        Numbers (nested lists, tuples or an array).
    name : str
        What the values are ("input", "kernel", "weights"), used in messages.
    ndim : int
        Required number of dimensions (1 or 2).

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
    if arr.ndim != ndim:
        want = "a list of numbers" if ndim == 1 else "rows of numbers (a 2D grid)"
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


def _kind_word(arr: np.ndarray) -> str:
    return {"U": "text", "S": "text", "c": "complex numbers"}.get(arr.dtype.kind, str(arr.dtype))


def per_axis(value, ndim: int, name: str, *, minimum: int = 1) -> tuple[int, ...]:
    """An int or a per-axis tuple of ints -> a tuple of ``ndim`` ints, each ``>= minimum``."""
    items = tuple(value) if isinstance(value, (tuple, list, np.ndarray)) else (value,) * ndim
    if len(items) != ndim:
        raise ValueError(f"{name} needs one value or {ndim} values (one per axis); got {len(items)}")
    out = tuple(as_int(v, name) for v in items)
    for v in out:
        if v < minimum:
            raise ValueError(f"{name} must be at least {minimum} (got {v})")
    return out


def as_int(value, name: str) -> int:
    """An integral number (``3``, ``np.int64(3)``, ``3.0``) -> ``int``; anything else is an error."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a whole number (got {value!r})")
    if isinstance(value, numbers.Integral):
        return int(value)
    if not float(value).is_integer():
        raise ValueError(f"{name} must be a whole number (got {value!r})")
    return int(value)


def as_bool(value, name: str) -> bool:
    """``True``/``False`` (or NumPy's, or 0/1) -> ``bool``; ``"no"`` would otherwise count as True."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, numbers.Integral) and value in (0, 1):
        return bool(value)
    raise ValueError(f"{name} must be True or False (got {value!r})")
