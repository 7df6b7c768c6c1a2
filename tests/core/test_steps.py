"""Step traces reproduce ops exactly; random access, hover lookup and formulas are consistent.

Exactness: ops and the records both add their terms one after another in the kernel's (window's)
raster order, so every record's value must be *equal* to the ops output (no tolerance).
"""

import dataclasses

import numpy as np
import pytest

from cnn_explorer.core import formulas, ops, steps
from core_oracles import random_conv_config, random_pool_config

PLANS = {("conv", 1): steps.conv1d_plan, ("conv", 2): steps.conv2d_plan,
         ("pool", 1): steps.pool1d_plan, ("pool", 2): steps.pool2d_plan}
OPS = {("conv", 1): ops.conv1d, ("conv", 2): ops.conv2d,
       ("pool", 1): ops.pool1d, ("pool", 2): ops.pool2d}
POOL_KINDS = ["max", "avg", "l2", "weighted"]


def _check_trace(plan, expected, where):
    assert plan.output.shape == expected.shape == plan.output_shape, where
    np.testing.assert_array_equal(plan.output, expected, err_msg=where)
    records = list(plan.steps())
    assert len(records) == plan.n_steps == expected.size, where
    for n, rec in enumerate(records):
        assert rec.n == n and plan.step_number(rec.index) == n, where
        assert rec.value == expected[rec.index], f"{where}: step {n} {rec.value} != ops"
        assert rec.origin == tuple(i * s for i, s in zip(rec.index, plan.stride)), where
        assert rec.taps[(0,) * len(rec.index)].tolist() == list(rec.origin), where
        assert plan.step(n) == rec, f"{where}: step({n}) differs from the {n}-th record"
    _check_windows_for(plan, records, where)
    return records


def _check_windows_for(plan, records, where):
    readers = {}
    for rec in records:
        for pos in {tuple(int(v) for v in t) for t in rec.taps.reshape(-1, rec.taps.shape[-1])}:
            readers.setdefault(pos, []).append(rec.n)
    for pos in np.ndindex(plan.padded.shape):
        assert plan.windows_for(pos) == readers.get(pos, []), f"{where}: windows_for({pos})"


@pytest.mark.parametrize("nd", [1, 2])
@pytest.mark.parametrize("seed", range(60))
def test_conv_trace_reproduces_ops(nd, seed):
    x, k, kw, _ = random_conv_config(np.random.default_rng([7, nd, seed]), nd)
    where = f"x {x.shape}, kernel {k.shape}, {kw}"
    plan = PLANS["conv", nd](x, k, **kw)
    records = _check_trace(plan, OPS["conv", nd](x, k, **kw), where)
    for rec in records:
        np.testing.assert_array_equal(rec.patch, plan.padded[tuple(np.moveaxis(rec.taps, -1, 0))])
        np.testing.assert_array_equal(rec.products, rec.kernel * rec.patch)
        np.testing.assert_array_equal(rec.kernel, np.flip(k) if kw["flip"] else k)
        # The centre is the tap of the anchor element (typed anchor, moved by the flip).
        centre_tap = rec.taps[plan.applied_anchor]
        assert rec.centre == tuple(int(v) for v in centre_tap), where
        np.testing.assert_allclose(rec.value, rec.products.sum(), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("kind", POOL_KINDS)
@pytest.mark.parametrize("nd", [1, 2])
@pytest.mark.parametrize("seed", range(15))
def test_pool_trace_reproduces_ops(kind, nd, seed):
    rng = np.random.default_rng([8, nd, seed, POOL_KINDS.index(kind)])
    x, size, kw, _, _ = random_pool_config(rng, nd, kind)
    where = f"x {x.shape}, size {size}, {kw}"
    plan = PLANS["pool", nd](x, size, **kw)
    records = _check_trace(plan, OPS["pool", nd](x, size, **kw), where)
    for rec in records:
        where_pos = tuple(np.moveaxis(rec.taps, -1, 0))
        np.testing.assert_array_equal(rec.values, plan.padded[where_pos])
        np.testing.assert_array_equal(rec.is_pad, plan.is_pad[where_pos])
        if kind == "max":
            assert plan.padded[rec.winner] == rec.value, where
        else:
            assert rec.winner is None


@pytest.mark.parametrize("kind", ["global_max", "global_avg"])
def test_global_pool_trace(rng, kind):
    x = rng.normal(size=(5, 7))
    plan = steps.pool2d_plan(x, None, kind=kind)
    (rec,) = list(plan.steps())
    assert plan.size == (5, 7) and rec.values.shape == (5, 7)
    assert rec.value == ops.pool2d(x, 2, kind=kind)[0, 0]
    assert plan.windows_for((4, 6)) == [0]


def test_max_winner_is_first_occurrence_on_ties():
    plan = steps.pool2d_plan([[1, 2, 0, 2], [2, 0, 2, 2]], 2)
    assert [s.winner for s in plan.steps()] == [(0, 1), (0, 3)]
    assert plan.step(1).formula() == "max(0, 2, 2, 2) = 2"
    padded = steps.pool1d_plan([-5, -1, -1], 2, padding=1)
    assert [s.winner for s in padded.steps()] == [(1,), (2,)]
    assert padded.step(0).formula() == "max(-∞, -5) = -5"


def test_guide_1d_trace_numbers():
    plan = steps.conv1d_plan([0, 0, 1, 1, 1, 0, 0], [-1, 1], padding="same", anchor=1)
    assert plan.pads == ((1, 0),)
    assert plan.padded.tolist() == [0, 0, 0, 1, 1, 1, 0, 0]
    assert plan.is_pad.tolist() == [True] + [False] * 7
    assert [s.formula() for s in plan.steps()] == [
        "(-1)·0 + 1·0 = 0", "(-1)·0 + 1·0 = 0", "(-1)·0 + 1·1 = 1", "(-1)·1 + 1·1 = 0",
        "(-1)·1 + 1·1 = 0", "(-1)·1 + 1·0 = -1", "(-1)·0 + 1·0 = 0"]
    first = plan.step(0)
    assert first.origin == (0,) and first.centre == (1,) and first.taps.tolist() == [[0], [1]]
    assert plan.windows_for(3) == [2, 3]


def test_guide_2d_trace_step_at_the_edge():
    plan = steps.conv2d_plan([[0, 0, 0, 1, 1, 1]] * 6, [[-1, 0, 1]] * 3, padding="same")
    rec = plan.step(plan.step_number((0, 2)))
    assert rec.patch.tolist() == [[0, 0, 0], [0, 0, 1], [0, 0, 1]]
    assert rec.formula() == ("(-1)·0 + 0·0 + 1·0 + (-1)·0 + 0·0 + 1·1 + (-1)·0 + 0·0 + 1·1 = 2")
    assert rec.centre == (1, 3) and rec.value == 2


def test_formula_writes_huge_values_with_an_exponent():
    # a typed 1e308 used to print all 309 digits of the product in the formula line
    plan = steps.conv1d_plan([1e308, 2.0], [1.0, -1.0], padding="valid")
    assert plan.step(0).formula() == "1·1e+308 + (-1)·2 = 1e+308"
    assert formulas.number(123456789012345.0) == "123456789012345"
    assert formulas.number(-2.5e15) == "-2.5e+15"


def test_pool_formulas():
    plan = steps.pool2d_plan([[1, 2], [2, 0]], 2, kind="avg")
    assert plan.step(0).formula() == "(1 + 2 + 2 + 0) / 4 = 1.25"
    assert steps.pool2d_plan([[1, 2], [2, 0]], 2, kind="l2").step(0).formula() == \
        "√(1² + 2² + 2² + 0²) = 3"
    weighted = steps.pool2d_plan([[1, 2], [2, 0]], 2, kind="weighted", weights=[[0.5, -1], [1, 1]])
    assert weighted.step(0).formula() == "0.5·1 + (-1)·2 + 1·2 + 1·0 = 0.5"
    # Padding is left out of the average's count and its formula.
    corner = steps.pool2d_plan([[4, 2], [2, 0]], 2, stride=1, padding=1, kind="avg").step(0)
    assert corner.formula() == "(4) / 1 = 4"
    long = steps.pool2d_plan(np.ones((10, 10)), None, kind="global_avg").step(0)
    assert long.formula(max_terms=4) == "(1 + 1 + … + 1 + 1) / 100 = 1"


def test_records_are_frozen_and_read_only():
    plan = steps.conv2d_plan(np.ones((3, 3)), np.ones((2, 2)))
    rec = plan.step(0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        rec.value = 5
    for arr in (rec.patch, rec.products, rec.taps, rec.kernel, plan.padded, plan.output, plan.x):
        with pytest.raises(ValueError):
            arr[(0,) * arr.ndim] = 1
    with pytest.raises(IndexError, match="there are 4 steps"):
        plan.step(4)
    with pytest.raises(IndexError, match="outside the output"):
        plan.step_number((2, 0))


def test_plan_does_not_share_memory_with_the_caller():
    x = np.zeros((4, 4))
    plan = steps.conv2d_plan(x, np.ones((2, 2)))
    x[0, 0] = 10
    assert plan.x[0, 0] == 0 and plan.output[0, 0] == 0


def test_steps_generators_match_plans():
    x, k = np.arange(6.0), [1, -2, 1]
    assert list(steps.conv1d_steps(x, k, padding="full")) == \
        list(steps.conv1d_plan(x, k, padding="full").steps())
    grid = np.arange(16.0).reshape(4, 4)
    assert list(steps.pool2d_steps(grid, 2, kind="avg")) == \
        list(steps.pool2d_plan(grid, 2, kind="avg").steps())
    assert list(steps.conv2d_steps(grid, [[1, 0], [0, -1]], stride=2)) == \
        list(steps.conv2d_plan(grid, [[1, 0], [0, -1]], stride=2).steps())
    assert list(steps.pool1d_steps(x, 3, kind="l2")) == list(steps.pool1d_plan(x, 3, kind="l2").steps())


@pytest.mark.parametrize("padding", ["valid", "same"])
def test_plan_arrays_are_read_only_and_do_not_follow_the_callers_input(padding):
    x = np.arange(30.0).reshape(5, 6)
    plan = steps.conv2d_plan(x, np.ones((3, 3)), padding=padding)
    before = plan.padded.copy()
    assert x.flags.writeable
    x[:] = -1.0
    np.testing.assert_array_equal(plan.padded, before)
    for arr in (plan.x, plan.padded, plan.is_pad, plan.output):
        assert not arr.flags.writeable
