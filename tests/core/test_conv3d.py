"""ops.conv3d and its trace against a naive loop, scipy.signal and scipy.ndimage.correlate in 3D."""

import numpy as np
import pytest

from cnn_explorer.core import conv3d, ops
from core_oracles import (NP_MODE, fitting_shape, naive_conv, ndimage_conv, pads_for,
                          scipy_conv)


def _config(seed):
    """A random, valid 3D configuration, small enough for a Python loop over every cell."""
    rng = np.random.default_rng([20261203, seed])
    kshape = tuple(int(v) for v in rng.integers(1, 4, 3))
    dilation = tuple(int(v) for v in rng.choice([1, 1, 2], 3))
    stride = tuple(int(v) for v in rng.choice([1, 1, 2], 3))
    anchor = None if rng.random() < 0.4 else tuple(int(rng.integers(0, m)) for m in kshape)
    flip = bool(rng.random() < 0.3)
    pad_mode = str(rng.choice(list(NP_MODE)))
    form = str(rng.choice(["valid", "same", "full", "int", "explicit", "per-axis", "pairs"]))
    padding = {"int": int(rng.integers(0, 3)),
               "explicit": tuple(int(v) for v in rng.integers(0, 3, 6)),
               "per-axis": tuple(int(v) for v in rng.integers(0, 3, 3))}.get(form, form)
    if form == "pairs":
        padding = tuple(tuple(int(v) for v in rng.integers(0, 3, 2)) for _ in range(3))
    eff_anchor = anchor if anchor is not None else tuple((m - 1) // 2 for m in kshape)
    if form == "per-axis":
        pads = [(p, p) for p in padding]
    elif form == "pairs":
        pads = list(padding)
    else:
        pads = pads_for(padding, kshape, dilation, eff_anchor, flip)
    shape = fitting_shape(rng, kshape, dilation, pads, pad_mode, spread=4)
    x = np.round(rng.normal(size=shape) * 4, 2)
    k = np.round(rng.normal(size=kshape) * 2, 2)
    kw = dict(stride=stride, padding=padding, pad_mode=pad_mode, dilation=dilation,
              anchor=anchor, flip=flip)
    return x, k, kw, dict(stride=stride, pads=pads, pad_mode=pad_mode, dilation=dilation,
                          flip=flip)


@pytest.mark.parametrize("seed", range(500))
def test_conv3d_matches_naive_loop_scipy_and_its_trace(seed):
    """500 random configurations: kernel cubes 1-3 per axis, every padding form and mode,
    strides, dilations, anchors, flip."""
    x, k, kw, oracle_kw = _config(seed)
    where = f"x {x.shape}, k {k.shape}, {kw}"
    got = ops.conv3d(x, k, **kw)
    np.testing.assert_array_equal(got, naive_conv(x, k, **oracle_kw), err_msg=where)
    np.testing.assert_allclose(got, ndimage_conv(x, k, **oracle_kw), rtol=1e-12, atol=1e-10,
                               err_msg=where)
    np.testing.assert_allclose(got, scipy_conv(x, k, **oracle_kw), rtol=1e-12, atol=1e-10,
                               err_msg=where)
    plan = conv3d.conv3d_plan(x, k, **kw)
    np.testing.assert_array_equal(plan.output, got)
    flat = got.reshape(-1)
    for step in plan.steps():
        assert step.value == flat[step.n], (where, step.n)
        assert step.taps.shape == k.shape + (3,)
        np.testing.assert_array_equal(step.patch, plan.padded[tuple(np.moveaxis(step.taps, -1, 0))])


def test_a_cube_of_ones_counts_the_cells_it_covers():
    x = np.ones((4, 4, 4))
    out = ops.conv3d(x, np.ones((3, 3, 3)), padding="same")
    assert out[1, 1, 1] == 27 and out[0, 0, 0] == 8 and out[0, 1, 1] == 18


def test_windows_for_a_depth_slice():
    plan = conv3d.conv3d_plan(np.zeros((4, 4, 4)), np.ones((2, 2, 2)))
    # Padded cell (0, 0, 0) is read only by the first window; (1, 1, 1) by 8 windows.
    assert plan.windows_for((0, 0, 0)) == [0]
    assert len(plan.windows_for((1, 1, 1))) == 8


@pytest.mark.parametrize("x, k, kw, words", [
    (np.ones((4, 4)), np.ones((2, 2, 2)), {}, r"volume must have 3 axes \(depth, rows, columns\)"),
    (np.ones((4, 4, 4)), np.ones((2, 2)), {}, "kernel must have 3 axes"),
    (np.ones((2, 2, 2)), np.ones((3, 3, 3)), {}, "does not fit"),
    (np.ones((4, 4, 4)), np.ones((2, 2, 2)), {"stride": (1, 0, 1)}, "stride must be at least 1"),
    (np.ones((4, 4, 4)), np.ones((2, 2, 2)), {"stride": (1, 1)}, "3 values"),
    (np.ones((4, 4, 4)), np.ones((2, 2, 2)), {"padding": (1, 2, 3, 4)}, "not understood"),
    (np.ones((4, 4, 4)), np.ones((2, 2, 2)), {"anchor": 2}, "outside a kernel"),
    (np.ones((4, 4, 4)), np.ones((2, 2, 2)), {"padding": 4, "pad_mode": "reflect"},
     "reflect padding"),
    (np.ones((4, 4, 4)), np.full((2, 2, 2), np.inf), {}, "only finite numbers"),
    (np.ones((4, 4, 4)), np.ones((2, 2, 2)), {"flip": "yes"}, "True or False"),
])
def test_bad_input_says_why(x, k, kw, words):
    for call in (ops.conv3d, conv3d.conv3d_plan):
        with pytest.raises(ValueError, match=words):
            call(x, k, **kw)
