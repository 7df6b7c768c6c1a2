"""Numbers and sums written the way a student writes them: ``(-1)·0 + 0·3 + 1·5 = 5``."""

from __future__ import annotations

import math
import numbers
import re


# From here on numbers are written with an exponent, 1.23e+15.
LARGE = 1e15


def number(value: float, digits: int = 3) -> str:
    """Round to ``digits`` decimals and drop trailing zeros: ``2.0`` -> ``"2"``, ``100.5`` ->
    ``"100.5"``, ``-inf`` -> ``"-∞"``.

    Fractions (``|value| < 1``) keep ``digits`` significant digits instead (``0.0625`` ->
    ``"0.0625"``, ``0.00012`` -> ``"0.00012"``), so a small weight is written whole and a
    non-zero number never reads as 0. The grids write their cells with this too. ``ValueError``
    for what is not a real number (NaN reads ``"nan"``).
    """
    value = _real(value)
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    if value == 0:
        return "0"
    if abs(value) >= LARGE:     # 1e308 written out in full would be 309 digits
        return f"{value:.{digits}g}"
    if abs(value) < 1:
        return f"{value:.{digits}g}"
    text = f"{value:.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def factor(value: float, digits: int = 3) -> str:
    """A number inside a product or sum: negatives get parentheses, ``(-1)``."""
    text = number(value, digits)
    return f"({text})" if text.startswith("-") else text


def elide(terms: list[str], max_terms: int | None) -> list[str]:
    """Keep at most ``max_terms`` terms: the first ones, ``…``, and the last two."""
    if max_terms is None or len(terms) <= max_terms:
        return terms
    head = max(1, max_terms - 2)
    return terms[:head] + ["…"] + terms[-2:]


def format_number(value: float, digits: int = 3) -> str:
    """A cell's text, written as the formula under the grids writes it (``core.formulas.number``:
    100.5 read "100" in a cell beside "100.5" in the formula); NaN (not computed yet) is empty."""
    return "" if math.isnan(_real(value)) else number(value, digits)


def _real(value) -> float:
    if isinstance(value, (bool, str)) or not isinstance(value, numbers.Real):
        raise ValueError(f"{value!r:.40} is not a number")
    return float(value)


#: Largest size of a number typed into a cell: results of sums of products of such numbers
#: still plot (1e308 made every axis range NaN) and read well.
MAX_TYPED = 1e15


def parse_number(text: str) -> float:
    """The finite number in ``text``, at most :data:`MAX_TYPED` in size; ``ValueError`` with a
    readable reason otherwise."""
    if not isinstance(text, str):
        raise ValueError(f"{text!r:.40} is not text holding a number")
    cleaned = text.strip().replace("−", "-").replace(",", ".")
    if not cleaned:
        raise ValueError("a cell cannot be empty")
    try:
        value = float(cleaned)
    except ValueError:
        raise ValueError(f"“{text.strip()}” is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"“{text.strip()}” is not a finite number")
    if abs(value) > MAX_TYPED:
        raise ValueError(f"“{text.strip()}” is too large: a cell holds numbers from -1e15 "
                         "to 1e15")
    return value


def parse_table(text: str, max_shape: tuple[int, int] | None = None,
                what: str = "this grid", vector: bool = False) -> list[list[float]]:
    """The rows of numbers in pasted ``text``; ``ValueError`` with a readable reason otherwise.

    Rows are lines (or ``[…], […]`` as numpy and papers print them); numbers are separated by
    tabs (a spreadsheet; a comma is then a decimal comma), or else by spaces, commas or
    semicolons. ``max_shape`` (rows, cols) refuses larger tables before any number is read;
    with ``vector`` the table must be one row or one column of at most ``max_shape[1]`` numbers.
    """
    if not isinstance(text, str):
        raise ValueError(f"{text!r:.40} is not text holding numbers")
    if vector and max_shape is None:
        raise ValueError("a vector paste needs max_shape (rows, cols) to know its length limit")
    stripped = text.strip().strip("[]()")
    lines = [line.strip().strip("[]()") for line in
             re.split(r"[\])]\s*[,;]?\s*[\[(]|[\r\n]+", stripped)]
    lines = [line for line in lines if line.strip(" ,;")]
    if not lines:
        raise ValueError("the clipboard holds no numbers to paste")
    separator = r"\t+" if any("\t" in line for line in lines) else r"[\s,;]+"
    cells = [[cell for cell in re.split(separator, line.strip(" ,;")) if cell.strip()]
             for line in lines]
    width = len(cells[0])
    for number, row in enumerate(cells[1:], start=2):
        if len(row) != width:
            raise ValueError(f"row {number} of the pasted text has {len(row)} "
                             f"number{'s' * (len(row) != 1)} but row 1 has {width}: every row "
                             "needs the same count")
    if vector and (min(len(cells), width) > 1 or max(len(cells), width) > max_shape[1]):
        raise ValueError(f"pasted {len(cells)}×{width} values, but {what} takes one row or one "
                         f"column of at most {max_shape[1]} numbers")
    if not vector and max_shape is not None and (len(cells) > max_shape[0]
                                                 or width > max_shape[1]):
        raise ValueError(f"pasted {len(cells)}×{width} values, but {what} can be at most "
                         f"{max_shape[0]}×{max_shape[1]}")
    values = []
    for r, row in enumerate(cells, start=1):
        try:
            values.append([parse_number(cell) for cell in row])
        except ValueError as error:
            raise ValueError(f"pasted row {r}: {error}") from None
    return values
