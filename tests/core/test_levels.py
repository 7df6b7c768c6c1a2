"""The colour ranges of the grids: what one grid spans, and the range a page's grids share."""

import numpy as np
import pytest
from hypothesis import example, given, settings, strategies as st

from cnn_explorer.core.levels import levels_for, page_levels


@pytest.mark.parametrize("values, diverging, levels", [
    ([1.0, 3.0], False, (1.0, 3.0)), ([-2.0, 0.5], True, (-2.0, 2.0)),
    ([0.0, 0.0], True, (-1.0, 1.0)), ([5.0, 5.0], False, (4.0, 6.0)), ([0.0], False, (0.0, 1.0)),
    ([], False, (0.0, 1.0)), ([], True, (-1.0, 1.0)), ([np.nan, np.inf], True, (-1.0, 1.0)),
    ([np.nan, 2.0, -np.inf, -1.0], False, (-1.0, 2.0)),
    ([1e17, 1e17], False, (1e17 - 1e8, 1e17 + 1e8))])         # ± 1 would leave no width
def test_levels_cover_the_finite_values(values, diverging, levels):
    assert levels_for(np.array(values), diverging) == levels


@pytest.mark.parametrize("arrays, levels", [
    ((np.array([0.3]),), (-1.0, 1.0)), ((np.array([-1.0, 1.0]), np.array([[2.5]])), (-4.0, 4.0)),
    ((np.array([-8.0]),), (-8.0, 8.0)), ((), (-1.0, 1.0)), ((np.array([1e305]),), (-1e305, 1e305)),
    ((np.array([2.0 ** 52 + 1]),), (-2.0 ** 53, 2.0 ** 53))])   # log2 of it rounds to 52
def test_a_page_shares_the_power_of_two_that_covers_all_its_grids(arrays, levels):
    assert page_levels(*arrays) == levels


@settings(max_examples=100, derandomize=True, deadline=None)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True, width=64), max_size=12),
       st.booleans())
@example([1.7976931330646228e+308], False)      # widened past the largest float: infinite
@example([-1.7976931348623157e+308], False)
def test_every_finite_value_lies_within_its_levels(values, diverging):
    low, high = levels_for(np.array(values, dtype=float), diverging)
    finite = [v for v in values if np.isfinite(v)]
    assert np.isfinite(low) and np.isfinite(high) and low < high
    assert all(low <= v <= high for v in finite)
    radius = page_levels(np.array(values, dtype=float))[1]
    assert radius >= 1 and all(abs(v) <= radius for v in finite)
