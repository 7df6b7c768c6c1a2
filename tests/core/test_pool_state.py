"""The pooling page's Qt-free state, its plan, the shift experiment's counts and its words."""

from dataclasses import replace
from functools import partial

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy.ndimage import gaussian_filter

from cnn_explorer.core import ops
from cnn_explorer.core.kernels import gaussian_weights, uniform_weights
from cnn_explorer.core.padding import output_length, output_length_text
from cnn_explorer.core.pool_state import (PoolState, SizeChange, pool_plan, pooled_input,
                                          resized, shift_comparison, size_change, value_bound,
                                          weights_change, window_change)
from cnn_explorer.core.samples import checkerboard
from cnn_explorer.core.shift import compare_shift
from cnn_explorer.nn import functional as F


def test_states_compare_by_value_and_hold_read_only_arrays():
    a = PoolState(grid=[[1, 2], [3, 4]])
    b = PoolState(grid=np.array([[1.0, 2.0], [3.0, 4.0]]))
    assert a == b and a is not b
    assert replace(a, kind="avg") != a
    assert replace(a, grid=[[1, 2], [3, 5]]) != a
    with pytest.raises(ValueError):
        a.grid[0, 0] = 9.0
    assert replace(a, relu=True).grid is a.grid         # a frozen array is not copied again


@pytest.mark.parametrize("changes, message", [
    ({"grid": [[1, 2], [3]]}, "rows of different lengths"),
    ({"grid": [[np.nan]]}, "only finite numbers"),
    ({"kind": "median"}, "unknown pooling kind 'median'"),
    ({"size": (0, 2)}, "pool size must be at least 1"),
    ({"stride": (1, 2, 3)}, "stride needs one value or 2 values"),
    ({"padding": (-1, 0)}, "padding must be at least 0"),
    ({"ceil_mode": "no"}, "ceil_mode must be True or False"),
    ({"direction": "sideways"}, "unknown shift direction 'sideways'"),
    ({"source": "camera"}, "unknown input source 'camera'"),
    ({"weights": [["a"]]}, "the weights must contain only numbers"),
])
def test_a_bad_field_is_refused_with_the_cores_message(changes, message):
    with pytest.raises(ValueError, match=message):
        replace(PoolState(), **changes)


def test_the_plan_pools_the_pipeline_input_as_the_core_does(rng):
    grid = rng.normal(size=(7, 6))
    state = PoolState(grid=grid, relu=True, kind="l2", size=(3, 2), stride=(2, 1),
                      padding=(1, 0), ceil_mode=True, shift=True, direction="down")
    x = np.maximum(grid, 0)
    shifted = np.r_[np.zeros((1, 6)), x[:-1]]
    np.testing.assert_array_equal(pooled_input(state), shifted)
    np.testing.assert_array_equal(pool_plan(state).output,
                                  ops.pool2d(shifted, (3, 2), stride=(2, 1), padding=(1, 0),
                                             kind="l2", ceil_mode=True))
    comparison = shift_comparison(state)
    np.testing.assert_array_equal(comparison.input_before, x)
    assert shift_comparison(replace(state, shift=False)) is None


def test_the_conv_source_without_an_output_is_a_state_the_plan_refuses():
    state = PoolState(source="conv2d")
    with pytest.raises(ValueError, match="no output yet"):
        pool_plan(state)
    fed = replace(state, conv_output=[[1.0, -2.0], [3.0, 4.0]])
    assert pool_plan(fed).output.tolist() == [[4.0]]


def test_a_combination_the_core_refuses_is_still_a_state():
    state = PoolState(grid=np.ones((4, 4)), padding=(2, 0))
    with pytest.raises(ValueError, match="padding 2 is as wide as the 2-wide window"):
        pool_plan(state)


def test_the_colour_scale_depends_on_the_data_only():
    state = PoolState(grid=[[1.0, -3.0], [2.0, 0.5]])
    bounds = {value_bound(replace(state, **c)) for c in
              ({}, {"kind": "l2"}, {"kind": "weighted"}, {"shift": True}, {"relu": True},
               {"size": (1, 1)})}
    assert bounds == {3.0}
    assert value_bound(PoolState(grid=np.zeros((2, 2)))) == 1.0


def test_a_new_window_brings_weights_of_its_shape_and_pasted_weights_bring_their_window():
    state = PoolState()
    assert window_change(state, (2, 2))["weights"] is state.weights
    np.testing.assert_array_equal(window_change(state, 3)["weights"], gaussian_weights((3, 3)))
    pasted = weights_change(state, uniform_weights((2, 3)))
    assert pasted["size"] == (2, 3)
    assert replace(state, **pasted).plan_kwargs()["weights"] is None     # max ignores them


def test_resized_keeps_the_cells_both_shapes_share():
    x = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(resized(x, (3, 2)), [[0, 1], [3, 4], [0, 0]])


# -- one output-size formula ---------------------------------------------------------------------
@settings(derandomize=True, max_examples=200, deadline=None)
@given(n=st.integers(1, 40), k=st.integers(1, 12), s=st.integers(1, 6),
       padding=st.sampled_from(["valid", "same"]))
def test_the_engines_output_size_is_the_cores_formula(n, k, s, padding):
    want = -(-n // s) if padding == "same" else max((n - k) // s + 1, 0)
    assert F.conv_output_size(n, k, s, padding) == want
    if padding == "valid" and k <= n:
        assert want == output_length(n, k, stride=s)


def test_the_formula_is_written_with_its_numbers():
    assert output_length_text(6, 3, stride=3, pad=(0, 0), ceil_mode=True) == "⌈(6 + 0 + 0 − 3) / 3⌉ + 1 = 2"
    assert output_length_text(8, 2, stride=2) == "⌊(8 + 0 + 0 − 2) / 2⌋ + 1 = 4"
    with pytest.raises(ValueError, match="does not fit"):
        output_length_text(2, 3)


# -- the shift experiment ------------------------------------------------------------------------
def test_changes_below_the_stated_tolerance_are_not_counted():
    x = np.zeros((4, 4))
    x[:, 1] = 1.0
    x[:, 2] = 1.02                                  # a hair higher: moving it is no new feature
    c = compare_shift(x, "right", partial(ops.pool2d, size=2))
    assert c.tolerance == pytest.approx(0.05 * 1.02)
    assert c.input_count == 8                      # columns 1 and 3 (0 → 1, 1.02 → 0)
    assert c.input_change == pytest.approx((4 * 1.0 + 4 * 1.02 + 4 * 0.02) / 16)


def test_the_verdict_says_when_pooling_helped_and_why_not_on_a_blurred_map():
    sharp = checkerboard((8, 8))
    helped = compare_shift(sharp, "right", partial(ops.pool2d, size=2))
    assert helped.helped and helped.verdict().startswith("Pooling helped")
    blurred = gaussian_filter(sharp, 1.0)
    c = compare_shift(blurred, "right", partial(ops.pool2d, size=2, kind="avg"))
    assert c.pooled_share > c.input_share and not c.helped
    assert c.verdict().startswith("Pooling did not help here: 88% of the pooled cells changed "
                                  "against 75% of the map's")
    assert "the map is smooth (blurred)" in c.verdict()


@pytest.mark.parametrize("cells, fewer, factor, saved", [
    ((64, 16), True, "4", "75%"), ((16, 16), True, "1", "0%"), ((49, 9), True, "5.44", "82%"),
    ((4096, 1), True, "4,096", "over 99%"), ((200, 1), True, "200", "over 99%"),
    ((16, 25), False, "1.56", "0%")])
def test_the_size_change_says_how_many_times_fewer_cells_and_what_share_is_saved(
        cells, fewer, factor, saved):
    size = SizeChange(*cells)
    assert (size.fewer, size.factor_text(), size.saved_text()) == (fewer, factor, saved)


def test_the_size_change_of_a_plan_counts_its_input_and_output_cells():
    size = size_change(pool_plan(PoolState(grid=np.zeros((6, 4)), size=(2, 2))))
    assert (size.cells_in, size.cells_out, size.factor) == (24, 6, 4.0)


@pytest.mark.parametrize("cells", [(0, 4), (4, -1), (2.5, 1), ("9", 1)])
def test_a_size_change_refuses_counts_that_are_no_cells(cells):
    with pytest.raises(ValueError, match="cells"):
        SizeChange(*cells)


@settings(max_examples=60, derandomize=True, deadline=None)
@given(st.integers(1, 10 ** 6), st.integers(1, 10 ** 6))
def test_the_size_change_factor_always_scales_the_smaller_count_up_to_the_larger(n_in, n_out):
    size = SizeChange(n_in, n_out)
    assert size.factor >= 1 and 0 <= size.saved < 1
    low, high = sorted((n_in, n_out))
    assert size.factor * low == pytest.approx(high)
