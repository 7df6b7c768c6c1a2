"""How numbers are written in grids and parsed from what the user types."""

import math


def format_number(value: float, digits: int = 3) -> str:
    """Short text for a cell: integers without a point, others with ``digits`` significant digits."""
    if not math.isfinite(value):
        return "" if math.isnan(value) else ("∞" if value > 0 else "−∞")
    if value == int(value) and abs(value) < 1e6:
        return str(int(value))
    text = f"{value:.{digits}g}"
    return text.replace("-", "−")


def parse_number(text: str) -> float:
    """The finite number in ``text``; ``ValueError`` with a readable reason otherwise."""
    cleaned = text.strip().replace("−", "-").replace(",", ".")
    if not cleaned:
        raise ValueError("a cell cannot be empty")
    try:
        value = float(cleaned)
    except ValueError:
        raise ValueError(f"“{text.strip()}” is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"“{text.strip()}” is not a finite number")
    return value
