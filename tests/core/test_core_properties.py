"""Property tests of every public core function: valid inputs against naive loops or SciPy,
invalid inputs a ValueError (never another exception, never a hang)."""

import math

import numpy as np
import pytest
from hypothesis import given, strategies as st
from scipy import signal

from cnn_explorer.core import formulas, kernels, ops, padding, shift, steps

finite = st.floats(-1e6, 1e6, allow_nan=False)
small = st.integers(1, 5)
# anything a caller might pass where a number, a word or an array belongs
junk = st.one_of(st.none(), st.booleans(), st.text(max_size=4), st.floats(),
                 st.integers(-2 ** 70, 2 ** 70), st.lists(st.integers(-3, 3), max_size=3),
                 st.just(np.array(2)), st.just(np.array("max")), st.just(np.zeros((2, 2))),
                 st.fractions(), st.just(object()), st.just({"a": 1}))


def vectors(n=st.integers(1, 12)):
    return n.flatmap(lambda k: st.lists(finite, min_size=k, max_size=k))


def grids(max_side=7):
    return st.tuples(st.integers(1, max_side), st.integers(1, max_side)).flatmap(
        lambda hw: st.lists(st.lists(finite, min_size=hw[1], max_size=hw[1]),
                            min_size=hw[0], max_size=hw[0]))


def refused_or_finite(call):
    """The contract: a finite answer or a ValueError."""
    try:
        out = call()
    except ValueError as error:
        assert str(error)
        return None
    if isinstance(out, np.ndarray) and out.dtype.kind == "f":
        assert np.isfinite(out).all()
    return out


@given(x=grids(), k=grids(4), stride=st.integers(1, 3))
def test_conv2d_valid_equals_scipy(x, k, stride):
    x, k = np.array(x), np.array(k)
    if k.shape[0] > x.shape[0] or k.shape[1] > x.shape[1]:
        with pytest.raises(ValueError):
            ops.conv2d(x, k)
        return
    expected = signal.correlate2d(x, k, mode="valid")[::stride, ::stride]
    np.testing.assert_allclose(ops.conv2d(x, k, stride=stride), expected, rtol=1e-9, atol=1e-3)
    flipped = signal.convolve2d(x, k, mode="valid")
    np.testing.assert_allclose(ops.conv2d(x, k, flip=True), flipped, rtol=1e-9, atol=1e-3)


@given(x=vectors(), k=vectors(st.integers(1, 5)), dilation=st.integers(1, 3),
       mode=st.sampled_from(padding.PAD_MODES), pad=st.integers(0, 3))
def test_conv1d_equals_a_naive_loop(x, k, dilation, mode, pad):
    out = refused_or_finite(lambda: ops.conv1d(x, k, padding=pad, pad_mode=mode, dilation=dilation))
    if out is None:
        return
    xp = padding.pad(np.array(x), ((pad, pad),), mode)
    naive = [sum(k[j] * xp[i + j * dilation] for j in range(len(k)))
             for i in range(len(xp) - dilation * (len(k) - 1))]
    np.testing.assert_allclose(out, naive, rtol=1e-9, atol=1e-3)
    plan = steps.conv1d_plan(x, k, padding=pad, pad_mode=mode, dilation=dilation)
    assert [s.value for s in plan.steps()] == out.tolist()


@given(x=grids(), size=st.integers(1, 4), stride=st.integers(1, 3), pad=st.integers(0, 2),
       kind=st.sampled_from(ops.POOL_KINDS), ceil_mode=st.booleans())
def test_pool2d_equals_a_naive_loop(x, size, stride, pad, kind, ceil_mode):
    x = np.array(x)
    weights = np.arange(1.0, size * size + 1).reshape(size, size)
    out = refused_or_finite(lambda: ops.pool2d(x, size, stride=stride, padding=pad, kind=kind,
                                               weights=weights, ceil_mode=ceil_mode))
    if out is None:
        return
    plan = steps.pool2d_plan(x, size, stride=stride, padding=pad, kind=kind, weights=weights,
                             ceil_mode=ceil_mode)
    for record in plan.steps():
        real = record.values[~record.is_pad]
        expected = {"max": real.max(), "global_max": real.max(), "avg": real.mean(),
                    "global_avg": real.mean(), "l2": math.sqrt((real ** 2).sum()),
                    "weighted": (record.values * weights).sum() if record.weights is not None
                    else 0}[kind]
        assert out[record.index] == record.value
        assert math.isclose(record.value, expected, rel_tol=1e-9, abs_tol=1e-3)


@given(x=vectors(), size=st.integers(1, 6), stride=st.one_of(st.none(), st.integers(1, 4)),
       pad=st.integers(0, 5), kind=st.sampled_from(ops.POOL_KINDS[:3]))
def test_pool1d_plan_equals_ops(x, size, stride, pad, kind):
    out = refused_or_finite(lambda: ops.pool1d(x, size, stride=stride, padding=pad, kind=kind))
    if out is not None:
        plan = steps.pool1d_plan(x, size, stride=stride, padding=pad, kind=kind)
        assert np.array_equal(plan.output, out)
        n = plan.n_steps - 1
        assert plan.step_number(plan.step(n).index) == n


@given(junk, junk, junk, junk)
def test_conv_and_pool_arguments_are_value_errors(a, b, c, d):
    for call in (lambda: ops.conv1d([1.0, 2, 3], [1.0], stride=a, padding=b, dilation=c,
                                    pad_mode=d),
                 lambda: ops.conv2d([[1.0, 2]], a, padding=b, anchor=c, flip=d),
                 lambda: ops.pool1d([1.0, 2, 3], a, stride=b, padding=c, kind=d),
                 lambda: ops.pool2d(a, 1, ceil_mode=b),
                 lambda: ops.conv2d_multi([[[1.0, 2]]], a, b, padding=c, flip=d),
                 lambda: ops.conv2d_multi(a, np.ones((1, 1, 1, 1)), stride=b, dilation=c,
                                          pad_mode=d),
                 lambda: ops.conv3d([[[1.0, 2]]], a, stride=b, padding=c, pad_mode=d),
                 lambda: ops.conv3d(a, [[[1.0]]], anchor=b, dilation=c, flip=d),
                 lambda: steps.conv2d_plan([[1.0]], [[1.0]], padding=a).step(b),
                 lambda: steps.pool1d_plan([1.0, 2], 1).windows_for(a),
                 lambda: steps.pool1d_plan([1.0, 2], 1).step_number(b)):
        refused_or_finite(call)


@given(n=st.integers(1, 40), k=st.integers(1, 9), stride=st.integers(1, 4),
       dilation=st.integers(1, 3), before=st.integers(0, 4), after=st.integers(0, 4),
       ceil_mode=st.booleans())
def test_output_length_counts_window_positions(n, k, stride, dilation, before, after, ceil_mode):
    span, total = dilation * (k - 1) + 1, n + before + after
    if span > total:
        with pytest.raises(ValueError):
            padding.output_length(n, k, stride=stride, dilation=dilation, pad=(before, after))
        return
    got = padding.output_length(n, k, stride=stride, dilation=dilation, pad=(before, after),
                                ceil_mode=ceil_mode)
    starts = range(0, total - span + 1, stride)
    if not ceil_mode:
        assert got == len(starts)
    else:
        # rounded up, less a last window starting in the right padding (PyTorch's rule)
        assert len(starts) - 1 <= got <= len(starts) + 1 and (got - 1) * stride < n + before


@given(junk, junk, junk)
def test_padding_helpers_take_anything(a, b, c):
    for call in (lambda: padding.output_length(a, b, pad=c), lambda: padding.pad(a, b, c),
                 lambda: padding.pad([1.0, 2], b, c), lambda: padding.resolve_padding(a, b),
                 lambda: padding.resolve_padding("same", a, dilation=b, anchor=c),
                 lambda: padding.resolve_anchor(a, b), lambda: padding.default_anchor(a),
                 lambda: padding.pad_mask(a, b), lambda: padding.pads_text(a),
                 lambda: padding.check_pad_mode(a, b, c)):
        refused_or_finite(call)


@given(x=grids(), before=st.integers(0, 3), after=st.integers(0, 3),
       mode=st.sampled_from(padding.PAD_MODES))
def test_pad_equals_numpy(x, before, after, mode):
    x = np.array(x)
    pads = ((before, after), (after, before))
    out = refused_or_finite(lambda: padding.pad(x, pads, mode))
    if out is not None:
        np_mode = {"zeros": "constant", "reflect": "reflect", "replicate": "edge",
                   "circular": "wrap"}[mode]
        assert np.array_equal(out, np.pad(x, pads, mode=np_mode))
        mask = padding.pad_mask(x.shape, pads)
        assert mask.sum() == out.size - x.size


@given(shape=st.one_of(small, st.tuples(small), st.tuples(small, small)))
def test_gaussian_weights_are_binomial(shape):
    w = kernels.gaussian_weights(shape)
    assert math.isclose(w.sum(), 1.0) and (w > 0).all()
    assert np.allclose(w, w[::-1]) and w.flat[np.argmax(w)] == w.max()


@given(junk, junk, junk)
def test_kernel_helpers_take_anything(a, b, c):
    for call in (lambda: kernels.gaussian_weights(a), lambda: kernels.presets(a),
                 lambda: kernels.validate_kernel(a, dims=b, max_size=c),
                 lambda: kernels.validate_kernel([1.0], dims=1, max_size=a),
                 lambda: shift.shift_by_one(a, b), lambda: shift.shift_by_one([[1.0]], a),
                 lambda: shift.compare_shift(a, b, ops.pool2d)):
        refused_or_finite(call)


@given(x=grids(), direction=st.sampled_from(list(shift.DIRECTIONS)))
def test_shift_by_one_moves_every_cell(x, direction):
    x = np.array(x)
    out = shift.shift_by_one(x, direction)
    dy, dx = shift.DIRECTIONS[direction]
    for (i, j), v in np.ndenumerate(x):
        if 0 <= i + dy < x.shape[0] and 0 <= j + dx < x.shape[1]:
            assert out[i + dy, j + dx] == v


@given(value=st.floats(-1e15, 1e15, allow_nan=False))
def test_written_numbers_parse_back_close(value):
    text = formulas.number(value, 6)
    assert math.isclose(formulas.parse_number(text), value, rel_tol=1e-5, abs_tol=1e-6)


@given(st.one_of(st.text(max_size=12), junk))
def test_parsing_takes_anything(text):
    for call in (lambda: formulas.parse_number(text), lambda: formulas.parse_table(text),
                 lambda: formulas.parse_table(text, (2, 2), vector=True),
                 lambda: formulas.number(text), lambda: formulas.format_number(text)):
        out = refused_or_finite(call)
        if isinstance(out, float) and call is not None:
            assert math.isfinite(out) or math.isnan(out)
