"""Every bad input gives a ValueError whose message a student can act on."""

import re

import numpy as np
import pytest

from cnn_explorer.core import kernels, ops, padding
from cnn_explorer.core.shift import compare_shift, shift_by_one

GRID = [[1.0, 2.0, 3.0, 4.0]] * 3          # a 3×4 input
NAN = float("nan")


@pytest.mark.parametrize("call, message", [
    (lambda: ops.conv2d(GRID, np.ones((5, 5))), "kernel 5×5 does not fit in a 3×4 input with padding 0"),
    (lambda: ops.conv2d(GRID, np.ones((3, 3)), dilation=2),
     "kernel 3×3 with dilation 2 (spanning 5×5) does not fit in a 3×4 input with padding 0"),
    (lambda: ops.conv2d(GRID, np.ones((6, 1)), padding=(1, 1, 0, 0)),
     "kernel 6×1 does not fit in a 3×4 input with padding top 1, bottom 1, left 0, right 0 "
     "(5×4 after padding)"),
    (lambda: ops.conv1d([1, 2, 3], [1, 1, 1, 1, 1]),
     "kernel of 5 values does not fit in an input of 3 values with padding 0"),
    (lambda: ops.conv2d(GRID, []), "the kernel is empty; it needs at least one value"),
    (lambda: ops.conv2d(GRID, [[]]), "the kernel is empty; it needs at least one value"),
    (lambda: ops.conv1d([], [1]), "the input is empty; it needs at least one value"),
    (lambda: ops.conv2d(GRID, [[1, NAN]]),
     "the kernel contains nan at position (0, 1); only finite numbers are allowed"),
    (lambda: ops.conv1d([1, np.inf, 2], [1]),
     "the input contains inf at position (1); only finite numbers are allowed"),
    (lambda: ops.conv2d(GRID, [["1", "x"]]), "the kernel must contain only numbers (found text)"),
    (lambda: ops.conv1d([1 + 2j, 3], [1]), "the input must contain only numbers (found complex numbers)"),
    (lambda: ops.conv2d([[1, 2], [3]], [[1]]), "the input has rows of different lengths"),
    (lambda: ops.conv2d([1, 2, 3], [[1]]), "the input must be rows of numbers (a 2D grid); got 1 dimension"),
    (lambda: ops.conv1d([1, 2], [[1]]), "the kernel must be a list of numbers; got 2 dimensions"),
    (lambda: ops.conv2d(GRID, [[1]], stride=0), "stride must be at least 1 (got 0)"),
    (lambda: ops.conv2d(GRID, [[1]], stride=(1, -2)), "stride must be at least 1 (got -2)"),
    (lambda: ops.conv2d(GRID, [[1]], dilation=0), "dilation must be at least 1 (got 0)"),
    (lambda: ops.conv1d([1, 2], [1], stride=1.5), "stride must be a whole number (got 1.5)"),
    (lambda: ops.conv1d([1, 2], [1], stride=True), "stride must be a whole number (got True)"),
    (lambda: ops.conv2d(GRID, [[1]], stride=(1, 2, 3)),
     "stride needs one value or 2 values (one per axis); got 3"),
    (lambda: ops.conv2d(GRID, [[1]], padding="sme"),
     "unknown padding 'sme': use 'valid', 'same', 'full', a whole number, or explicit amounts per side"),
    (lambda: ops.conv2d(GRID, [[1]], pad_mode="mirror"),
     "unknown pad mode 'mirror': use one of zeros, reflect, replicate, circular"),
    (lambda: ops.conv2d(GRID, [[1]], padding=-1), "padding cannot be negative (got -1)"),
    (lambda: ops.conv2d(GRID, [[1]], padding=(0, 0, -1, 0)),
     "padding cannot be negative (got (0, 0, -1, 0))"),
    (lambda: ops.conv2d(GRID, [[1]], padding=(1, 2, 3)),
     "padding (1, 2, 3) is not understood: give one number or (top, bottom, left, right) or "
     "(rows, columns)"),
    (lambda: ops.conv1d([1, 2, 3], [1], padding=(1, 2, 3)),
     "padding (1, 2, 3) is not understood: give one number or (left, right)"),
    (lambda: ops.conv1d([1, 2, 3], [-1, 1], padding="same", anchor=2),
     "anchor 2 is outside a kernel of 2 elements (choose 0 to 1)"),
    (lambda: ops.conv2d(GRID, np.ones((3, 3)), anchor=(0, -1)), "anchor must be at least 0 (got -1)"),
    (lambda: ops.conv2d(GRID, [[1]], padding=3, pad_mode="reflect"),
     "reflect padding 3 is too large for 3 rows: reflecting (without repeating the edge) allows "
     "at most 2"),
    (lambda: ops.conv1d([1, 2], [1], padding=(0, 3), pad_mode="circular"),
     "circular padding 3 is too large for 2 values: wrapping around allows at most 2"),
    # finite numbers whose sum is not: the output used to hold inf, silently
    (lambda: ops.conv1d([1e308, 1e308, 0], [1, 1]),
     "the convolution overflows at output (0,): a sum or product there is beyond ±1.8e308, the "
     "largest number a computer can hold; use smaller values"),
    (lambda: ops.conv2d([[1e200, 1]], [[1e200]]), "the convolution overflows at output (0, 0)"),
])
def test_convolution_errors(call, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        call()


@pytest.mark.parametrize("call, message", [
    (lambda: ops.pool2d(GRID, 2, kind="median"),
     "unknown pooling kind 'median': use one of max, avg, l2, weighted, global_max, global_avg"),
    (lambda: ops.pool2d(GRID, None), "pooling needs a window size (e.g. 2 for 2×2 windows)"),
    (lambda: ops.pool2d(GRID, 4), "window 4×4 does not fit in a 3×4 input with padding 0"),
    (lambda: ops.pool1d([1, 2], 3), "window of 3 values does not fit in an input of 2 values with padding 0"),
    (lambda: ops.pool2d(GRID, 0), "pool size must be at least 1 (got 0)"),
    (lambda: ops.pool2d(GRID, 2, stride=0), "stride must be at least 1 (got 0)"),
    (lambda: ops.pool2d(GRID, 2, padding=-1), "padding cannot be negative (got -1)"),
    (lambda: ops.pool2d(GRID, 2, padding=2),
     "padding 2 is as wide as the 2-wide window: the first window would cover only padding "
     "(use at most 1)"),
    (lambda: ops.pool1d([1, 2, 3], 2, padding=(0, 3)),
     "padding 3 is as wide as the 2-wide window: the last window would cover only padding "
     "(use at most 1)"),
    (lambda: ops.pool2d(GRID, 2, kind="weighted"), "weighted pooling needs weights with the window's shape"),
    (lambda: ops.pool2d(GRID, 2, kind="weighted", weights=np.ones((3, 3))),
     "weights must have the window's shape 2×2 (got 3×3)"),
    (lambda: ops.pool2d(GRID, 2, kind="weighted", weights=[[1, NAN], [1, 1]]),
     "the weights contains nan"),
    (lambda: ops.pool2d([[1, NAN]], 1), "the input contains nan at position (0, 1)"),
    (lambda: ops.pool2d([[1.0, 1e200], [0, 0]], 2, kind="l2"), "the l2 pooling overflows at "
     "output (0, 0): a sum or product there is beyond ±1.8e308"),
    (lambda: ops.pool1d([1e308, 1e308], 2, kind="avg"), "the avg pooling overflows at output (0,)"),
])
def test_pooling_errors(call, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        call()


@pytest.mark.parametrize("values, dims, message", [
    ([], 1, "the kernel is empty"),
    ([[1, 2], [3]], 2, "the kernel has rows of different lengths"),
    ([["a", "b"]], 2, "the kernel must contain only numbers (found text)"),
    ([1, NAN], 1, "the kernel contains nan at position (1)"),
    ([[1, np.inf]], 2, "the kernel contains inf at position (0, 1)"),
    ([1, 2, 3], 2, "the kernel must be rows of numbers (a 2D grid); got 1 dimension"),
    (np.ones((500, 500)), 2, "kernel 500×500 is larger than the 7×7 limit"),
    (np.ones((1, 8)), 2, "kernel 1×8 is larger than the 7×7 limit"),
    (np.ones(9), 1, "kernel 9 is larger than the 7 limit"),
    ([1], 3, "dims must be 1 or 2 (got 3)"),
])
def test_validate_kernel_errors(values, dims, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        kernels.validate_kernel(values, dims=dims)


@pytest.mark.parametrize("call, message", [
    (lambda: padding.output_length(3, 5), "a kernel of 5 does not fit in an input of 3 with padding 0+0 (3 cells)"),
    (lambda: padding.output_length(3, 2, dilation=3),
     "a kernel of 2 (spanning 4 with dilation 3) does not fit in an input of 3"),
    (lambda: padding.output_length(0, 1), "input length and kernel size must be at least 1 (got 0 and 1)"),
    (lambda: padding.output_length(5, 2, stride=0), "stride must be at least 1 (got 0)"),
    (lambda: padding.output_length(5, 2, dilation=0), "dilation must be at least 1 (got 0)"),
    (lambda: padding.output_length(5, 2, pad=(-1, 0)), "padding cannot be negative (got -1, 0)"),
    (lambda: padding.pad([1, 2], ((1, 1),), mode="edge"), "unknown pad mode 'edge'"),
    (lambda: padding.pad([1, 2], ((1, 1), (0, 0))), "pads has 2 axes but the input has 1"),
    (lambda: padding.resolve_padding(2.5, (3,)), "padding must be a whole number (got 2.5)"),
    (lambda: padding.resolve_padding(((1, 2), (3,)), (3, 3)), "is not understood"),
    (lambda: kernels.gaussian_weights((0, 2)), "weights need a shape of at least 1 per axis"),
    (lambda: kernels.presets(3), "dims must be 1 or 2 (got 3)"),
    # these used to be truncated (2.7 -> 2), NumPy's words, or a MemoryError
    (lambda: kernels.gaussian_weights(2.7), "the weights' size must be a whole number (got 2.7)"),
    (lambda: kernels.gaussian_weights((10 ** 6, 10 ** 6)),
     "Gaussian weights 1000000×1000000 are too large: at most 1024 per side"),
    (lambda: padding.pad(GRID, ((-1, 1), (0, 0))),
     "padding cannot be negative (got top -1, bottom 1, left 0, right 0)"),
    (lambda: ops.conv2d(GRID, [[1]], padding=20_000),
     "padding 20000 makes the input 40003×40004 (1,600,280,012 values), more than the "
     "50,000,000 this app computes with; use less padding"),
    (lambda: ops.conv1d([1, 2], [1], padding=10 ** 30), "more than the 50,000,000 this app"),
    (lambda: ops.conv2d(GRID, [[1]], flip="no"), "flip must be True or False (got 'no')"),
    (lambda: ops.pool2d(GRID, 2, ceil_mode="yes"), "ceil_mode must be True or False (got 'yes')"),
    (lambda: shift_by_one([1.0, 2.0], "left"),
     "the feature map must be rows of numbers (a 2D grid); got 1 dimension"),
    # NumPy's "inhomogeneous shape" and "could not convert string to float" before
    (lambda: compare_shift([[1, 2], [3]], "left", ops.pool2d),
     "the feature map has rows of different lengths"),
    (lambda: compare_shift([["a", "b"]], "left", ops.pool2d),
     "the feature map must contain only numbers (found text)"),
])
def test_helper_errors(call, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        call()


# -- numbers and frozen arrays ------------------------------------------------------------------
from fractions import Fraction  # noqa: E402

from hypothesis import given, settings, strategies as st  # noqa: E402

from cnn_explorer.core.validation import as_real, frozen, is_frozen, is_whole  # noqa: E402


@pytest.mark.parametrize("value, number", [(0.5, 0.5), (3, 3.0), (np.float32(0.25), 0.25),
                                           (np.array(2.5), 2.5), (Fraction(1, 4), 0.25),
                                           (np.int64(-7), -7.0)])
def test_as_real_reads_every_kind_of_real_number(value, number):
    assert as_real(value, "momentum") == number and type(as_real(value, "momentum")) is float


@pytest.mark.parametrize("value, message", [
    ("0.9", "momentum must be a number (got '0.9')"), (None, "momentum must be a number (got None)"),
    (True, "momentum must be a number (got True)"), (1j, "momentum must be a number (got 1j)"),
    (NAN, "momentum must be a finite number (got nan)"),
    (-np.inf, "momentum must be a finite number (got -inf)"),
    (10 ** 400, f"momentum must be a finite number (got 1{'0' * 38}…)"),
    (np.array([0.5]), "momentum must be a number (got array([0.5]))")])
def test_as_real_says_why_a_value_is_no_number(value, message):
    with pytest.raises(ValueError) as info:
        as_real(value, "momentum")
    assert str(info.value) == message


@settings(max_examples=150, derandomize=True, deadline=None)
@given(st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(),
                 st.fractions(), st.text(max_size=5), st.none(), st.booleans(),
                 st.complex_numbers(), st.lists(st.floats(), max_size=2)))
def test_as_real_answers_a_finite_float_or_a_readable_value_error(value):
    try:
        number = as_real(value, "rate")
    except ValueError as exc:
        assert str(exc).startswith("rate must be a")
    else:
        assert np.isfinite(number) and number == pytest.approx(float(value))


def test_is_whole_counts_only_integers():
    assert is_whole(3) and is_whole(np.int8(3))
    assert not any(is_whole(v) for v in (3.0, True, np.bool_(True), "3", None, np.array(3)))


def test_frozen_copies_once_and_keeps_what_it_froze():
    source = np.arange(4.0)
    first = frozen(source)
    assert not first.flags.writeable and first is not source and source.flags.writeable
    source[0] = 9.0
    assert first[0] == 0.0                                  # a copy: the caller's edit stays out
    assert frozen(first) is first and is_frozen(first)      # freezing a frozen array is free
    assert frozen(first, np.float32).dtype == np.float32    # another dtype: a new array
    view = source[:2]
    view.setflags(write=False)
    assert not is_frozen(view) and frozen(view) is not view  # its base can still be written
    assert frozen([[1, 2]], np.float64).dtype == np.float64
