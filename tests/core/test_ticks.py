"""An axis's ticks: round, evenly spaced, inside the range, no more than asked for."""

import math

import numpy as np
import pytest
from hypothesis import given, seed, settings
from hypothesis import strategies as st

from cnn_explorer.core.ticks import MOST_TICKS, nice_ticks


def test_the_training_curves_ticks():
    assert nice_ticks(-0.6, 15.6, 4) == ([0.0, 5.0, 10.0, 15.0], 0)    # 15 epochs
    assert nice_ticks(-0.04, 1.04, 5) == ([0.0, 0.5, 1.0], 1)          # accuracy
    assert nice_ticks(0.0, 3.366, 4) == ([0.0, 1.0, 2.0, 3.0], 0)       # loss


@seed(20261203)
@settings(max_examples=300, deadline=None)
@given(st.floats(-1e308, 1e308), st.floats(-1e308, 1e308), st.integers(1, 40))
def test_ticks_are_round_multiples_inside_the_range(a, b, most):
    lo, hi = min(a, b), max(a, b)
    if lo == hi:
        with pytest.raises(ValueError):
            nice_ticks(lo, hi, most)
        return
    ticks, decimals = nice_ticks(lo, hi, most)
    assert len(ticks) <= max(most, 2) and decimals >= 0
    assert all(lo <= t <= hi and math.isfinite(t) for t in ticks)
    assert ticks == sorted(set(ticks))                       # ascending and distinct
    if len(ticks) >= 2 and ticks[1] - ticks[0] > 0:
        step = ticks[1] - ticks[0]
        mantissa = step / 10.0 ** math.floor(math.log10(step))
        assert min(abs(mantissa - m) for m in (1, 2, 4, 5, 8, 10)) < 1e-6


def test_the_fewest_ticks_still_come_and_number_types_are_numbers():
    assert nice_ticks(1, 442, 1) == ([200.0, 400.0], 0)      # was empty: step 500 chosen
    assert nice_ticks(np.float32(0), np.float32(1), np.int64(3)) == ([0.0, 0.5, 1.0], 1)
    ticks, _ = nice_ticks(1.0, 1.0000000000000002, 5)
    assert ticks == sorted(set(ticks)) and len(ticks) <= 5
    assert nice_ticks(0.0, 5e-324, 5) == ([], 0)             # subnormal: no step
    assert 2 <= len(nice_ticks(0, 1, 10 ** 309)[0]) <= MOST_TICKS   # beyond any axis: capped


@pytest.mark.parametrize("lo, hi, most", [(1, 0, 3), (0, 0, 3), (0, math.inf, 3),
                                          (math.nan, 1, 3), (0, 1, 0), (0, 1, 2.5), (0, 1, True),
                                          ("0", 1, 3), (-10 ** 400, 10 ** 400, 5), (None, 1, 3)])
def test_a_range_or_count_that_cannot_be_an_axis_is_refused_in_words(lo, hi, most):
    with pytest.raises(ValueError, match="axis|ticks"):
        nice_ticks(lo, hi, most)
