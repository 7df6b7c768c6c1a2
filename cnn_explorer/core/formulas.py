"""Numbers and sums written the way a student writes them: ``(-1)·0 + 0·3 + 1·5 = 5``."""

from __future__ import annotations

import math


# From here on numbers are written with an exponent, 1.23e+15.
LARGE = 1e15


def number(value: float, digits: int = 3) -> str:
    """Round to ``digits`` decimals and drop trailing zeros: ``2.0`` -> ``"2"``, ``100.5`` ->
    ``"100.5"``, ``-inf`` -> ``"-∞"``.

    Fractions (``|value| < 1``) keep ``digits`` significant digits instead (``0.0625`` ->
    ``"0.0625"``, ``0.00012`` -> ``"0.00012"``), so a small weight is written whole and a
    non-zero number never reads as 0. The grids write their cells with this too.
    """
    value = float(value)
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
