"""Matrices written as text for a spreadsheet, a notebook or a slide: CSV, NumPy, LaTeX.

Full precision (``repr`` of the float, so the text reads back exactly), except LaTeX, which is
for people and writes numbers as the grids do (``core.formulas.number``).
"""

import math

import numpy as np

from .formulas import number

FORMATS = ("csv", "numpy", "latex")


def _as_2d(values, name) -> np.ndarray:
    a = np.asarray(values, dtype=float)
    if a.ndim == 1:
        a = a[None, :]
    if a.ndim != 2:
        raise ValueError(f"{name}: only vectors and matrices can be written as text, "
                         f"not a {a.ndim}-D array")
    return a


def _exact(value) -> str:
    value = float(value)
    if math.isnan(value):
        return "nan"
    return repr(value).removesuffix(".0")


def matrix_text(values, fmt: str, name: str = "matrix") -> str:
    """``values`` (shape (n,) or (rows, cols)) as ``fmt`` text (one of ``FORMATS``).

    Examples: csv ``1,-1``; numpy ``kernel = np.array([[1, -1]])``; latex
    ``\\begin{bmatrix} 1 & -1 \\end{bmatrix}``. NaN (a cell not computed yet) is ``nan``
    (empty in LaTeX). ValueError for an unknown format or an array of more than two axes.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown text format {fmt!r}; choose one of {', '.join(FORMATS)}")
    a = _as_2d(values, name)
    if fmt == "csv":
        return "\n".join(",".join(_exact(v) for v in row) for row in a) + "\n"
    if fmt == "numpy":
        rows = ",\n    ".join("[" + ", ".join(_exact(v) for v in row) + "]" for row in a)
        text = f"{name} = np.array([\n    {rows},\n])\n"
        return text.replace("nan", "np.nan")
    rows = " \\\\\n".join(" & ".join("" if math.isnan(v) else number(v) for v in row)
                          for row in a)
    return f"% {name}\n\\begin{{bmatrix}}\n{rows}\n\\end{{bmatrix}}\n"


def matrices_text(named: dict, fmt: str) -> str:
    """Several matrices (``{name: values}``) one after another, each named."""
    parts = []
    for name, values in named.items():
        body = matrix_text(values, fmt, name)
        parts.append(f"# {name}\n{body}" if fmt == "csv" else body)
    return "\n".join(parts)
