"""Regressions of the core's input contract: a right answer or a ValueError, fast, for inputs
that once raised TypeError/OverflowError/IndexError or looped for seconds."""

import re
import time
from fractions import Fraction

import numpy as np
import pytest

from cnn_explorer.core import formulas, kernels, ops, padding, shift, steps


def test_huge_pooling_windows_answer_at_once():
    # one window of 10**7 cells over one real cell: a Python loop per window cell took ~20 s
    start = time.perf_counter()
    assert ops.pool1d([1.0], 10 ** 7, padding=10 ** 7 - 1).tolist() == [1.0]
    assert ops.pool2d([[2.0]], 3000, padding=2999, kind="avg").tolist() == [[2.0]]
    plan = steps.pool1d_plan([1.0, 3.0], 10 ** 6, padding=10 ** 6 - 1)
    assert plan.output.tolist() == [1.0, 3.0] and plan.windows_for(10 ** 6) == [1]
    assert time.perf_counter() - start < 5      # a guard against the loop, not a benchmark


def test_large_windows_equal_the_cell_by_cell_loop():
    # few large windows take the per-window path; it must add in the same order (bit for bit)
    x = np.random.default_rng(3).normal(size=(9, 11))
    for kind in ("max", "avg", "l2", "weighted"):
        weights = np.arange(1.0, 50.0).reshape(7, 7) / 10 if kind == "weighted" else None
        big = ops.pool2d(x, 7, stride=4, padding=2, kind=kind, weights=weights)
        setup = ops.pool_setup(x, 7, 2, stride=4, padding=2, kind=kind, weights=weights)
        windows = ops.pool_windows(setup, setup.padded)
        real = ops.pool_windows(setup, ~setup.is_pad)
        assert np.array_equal(big, ops.pool_reduce(setup, windows, real)), kind
    k = np.random.default_rng(4).normal(size=(7, 9))
    out = ops.conv2d(x, k, padding=(0, 1))          # 9 kernel cells per output > 3×5 outputs
    plan = steps.conv2d_plan(x, k, padding=(0, 1))
    assert [s.value for s in plan.steps()] == out.ravel().tolist()


def test_work_beyond_the_limit_is_refused_with_the_figure():
    with pytest.raises(ValueError, match=r"needs [\d,]+ products .* more than the 500,000,000"):
        ops.conv1d(np.ones(40_000), np.ones(20_000), padding="same")
    with pytest.raises(ValueError, match="products"):
        ops.pool1d(np.ones(1_000_000), 1000, stride=1)


@pytest.mark.parametrize("call, expected", [
    (lambda: ops.conv1d([1, 2, 3], [1], stride=np.array(2)), [1, 3]),
    (lambda: ops.conv1d([1, 2, 3], [1], padding=np.array(1)), [0, 1, 2, 3, 0]),
    (lambda: ops.conv1d([1, 2, 3], [1, 1], padding=np.array("same")), [3, 5, 3]),
    (lambda: ops.pool1d([1, 2, 3], 1, kind=np.array("max")), [1, 2, 3]),
    (lambda: ops.conv1d([1, 2, 3], [1], padding=1, pad_mode=np.array("reflect")), [2, 1, 2, 3, 2]),
    (lambda: ops.conv1d([1, 2, 3], [1], stride=Fraction(10 ** 400, 1)), [1]),
    (lambda: ops.conv2d([[1, 2]], [[1]], flip=np.array(True)), [[1, 2]]),
    (lambda: padding.output_length(np.array(5), np.array(3)), 3),
    (lambda: kernels.gaussian_weights(np.array(3)).tolist(), [0.25, 0.5, 0.25]),
    (lambda: shift.shift_by_one([[1, 2]], np.array("right")), [[0, 1]]),
    # 2**63 overflowed int64 inside the step records
    (lambda: steps.conv1d_plan([1, 2, 3], [1], dilation=2 ** 63).step(1).value, 2),
    (lambda: steps.pool2d_plan([[1, 2]], 1, stride=2 ** 63).step(0).taps, [[[0, 0]]]),
])
def test_zero_d_arrays_and_fractions_are_numbers(call, expected):
    assert np.array_equal(call(), expected)


@pytest.mark.parametrize("call, message", [
    (lambda: ops.conv1d([1, 2, 3], [1], padding=Fraction(10 ** 400, 3)), "whole number"),
    (lambda: ops.conv1d([1, 2, 3], [1, 1], dilation=2 ** 63), "does not fit"),
    (lambda: ops.pool1d([1, 2], 1, kind=["max"]), "unknown pooling kind"),
    (lambda: ops.conv1d([1, 2], [1], pad_mode=["zeros"]), "unknown pad mode"),
    (lambda: steps.conv1d_plan([1, 2, 3], [1]).step(None), "step number must be a whole"),
    (lambda: steps.conv1d_plan([1, 2, 3], [1]).step(float("inf")), "step number must be a whole"),
    (lambda: steps.conv1d_plan([1, 2, 3], [1]).step(2 ** 63), "does not exist"),
    (lambda: steps.conv1d_plan([1, 2, 3], [1]).step_number(None), "output index"),
    (lambda: steps.pool2d_plan([[1, 2]], 1).windows_for(None), "needs 2 coordinate"),
    (lambda: padding.output_length(5, 3, pad=1), "pads must be one (before, after) pair"),
    (lambda: padding.output_length(5, 3, pad=None), "pads must be one (before, after) pair"),
    (lambda: padding.pad([1, 2], 1), "pads must be one (before, after) pair"),
    (lambda: padding.pad([1, 2], ((1, 1),), value=float("nan")), "pad value must be a number"),
    (lambda: padding.resolve_padding("same", None), "kernel size must be a whole number"),
    (lambda: padding.resolve_padding("same", 1.5), "kernel size must be a whole number"),
    (lambda: padding.resolve_padding("same", -1), "at least 1 per axis"),
    (lambda: padding.resolve_padding("same", (0,)), "at least 1 per axis"),
    (lambda: padding.default_anchor(None), "kernel size must be a whole number"),
    (lambda: padding.pad_mask(None, ((1, 1),)), "input size must be a whole number"),
    (lambda: padding.pads_text(None), "pads must be one (before, after) pair"),
    (lambda: padding.pads_text(((-1, 1), (0, 0))), "top -1, bottom 1"),
    (lambda: kernels.validate_kernel([1], dims=1, max_size=None), "largest kernel size"),
    (lambda: kernels.gaussian_weights((2,) * 33), "1 or 2 axes"),
    (lambda: shift.shift_by_one([[1]], ["right"]), "unknown shift direction"),
    (lambda: formulas.parse_number(None), "is not text"),
    (lambda: formulas.parse_table(None), "is not text"),
    (lambda: formulas.parse_table("1 2", vector=True), "needs max_shape"),
    (lambda: formulas.number(None), "is not a number"),
    (lambda: formulas.format_number("x"), "is not a number"),
])
def test_bad_arguments_are_value_errors(call, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        call()


def test_step_out_of_range_is_still_an_index_error():
    with pytest.raises(IndexError):
        steps.conv1d_plan([1, 2, 3], [1]).step(3)


@pytest.mark.parametrize("text", ["1e308", "-1e16", "2e15"])
def test_typed_numbers_are_bounded(text):
    # 1e308 in a Convolution 1D cell made every plot range NaN (pyqtgraph refused to draw)
    with pytest.raises(ValueError, match="a cell holds numbers from -1e15 to 1e15"):
        formulas.parse_number(text)
    assert formulas.parse_number("-1e15") == -1e15
