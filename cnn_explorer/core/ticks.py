"""Where a plot's axis puts its ticks: round numbers, evenly spaced, as many as fit."""

import math


def nice_ticks(lo: float, hi: float, most: int) -> tuple[list[float], int]:
    """Ticks on ``[lo, hi]`` at a step of 1, 2 or 5 times a power of ten, at most ``most`` of them
    (at least 2 are allowed for), and the decimals their labels need.

    Returns ``(ticks, decimals)``: the multiples of the step inside ``[lo, hi]``, ascending.
    Raises ``ValueError`` unless ``lo < hi`` are finite and ``most`` is a whole number ≥ 1.
    """
    if not (isinstance(lo, (int, float)) and isinstance(hi, (int, float))
            and math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ValueError(f"an axis needs a finite range with its low end below its high end, "
                         f"not {lo!r} to {hi!r}")
    if isinstance(most, bool) or not isinstance(most, int) or most < 1:
        raise ValueError(f"the number of ticks must be a whole number of at least 1, not {most!r}")
    most = max(most, 2)
    # in logarithms, and from half the span: the step of a range of ±1e308 stays finite
    log_raw = math.log10(hi / 2 - lo / 2) + math.log10(2 / most)
    power = 10.0 ** math.floor(log_raw)
    if power == 0.0:                 # a span of subnormal numbers: no round step to show
        return [], 0
    for factor in (1, 2, 5, 10):
        step = factor * power
        if math.log10(step) >= log_raw - 1e-12:
            break
    first, last = math.ceil(lo / step), math.floor(hi / step)
    count = last - first + 1
    while count > most:              # rounding at the ends can leave one too many
        step *= 2
        first, last = math.ceil(lo / step), math.floor(hi / step)
        count = last - first + 1
    # a step far below the ends' magnitude can round a multiple just outside the range
    ticks = [t for t in (k * step for k in range(first, last + 1)) if lo <= t <= hi]
    decimals = max(0, -math.floor(math.log10(step) + 1e-9)) if step < 1 else 0
    return ticks, decimals
