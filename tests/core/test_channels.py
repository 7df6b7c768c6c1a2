"""ops.conv2d_multi and its trace against naive loops and SciPy, and its messages."""

import numpy as np
import pytest

from cnn_explorer.core import channels, ops, steps
from core_oracles import naive_conv, ndimage_conv, random_conv_config, scipy_conv


def _multi_config(seed):
    """A random 2D configuration (core_oracles) widened to 1-4 input maps and 1-3 filters."""
    rng = np.random.default_rng([20261202, seed])
    x2, k2, kw, oracle_kw = random_conv_config(rng, 2)
    c_in, c_out = int(rng.integers(1, 5)), int(rng.integers(1, 4))
    x = np.round(rng.normal(size=x2.shape + (c_in,)) * 4, 2)
    w = np.round(rng.normal(size=k2.shape + (c_in, c_out)) * 2, 2)
    b = None if rng.random() < 0.2 else np.round(rng.normal(size=c_out), 2)
    return x, w, b, kw, oracle_kw


def _naive_multi(x, w, b, oracle_kw):
    """Per filter: each map's naive 2D loop, then the maps added in channel order, then the bias."""
    out = []
    for o in range(w.shape[3]):
        total = naive_conv(x[..., 0], w[..., 0, o], **oracle_kw)
        for c in range(1, x.shape[2]):
            total = total + naive_conv(x[..., c], w[..., c, o], **oracle_kw)
        out.append(total + (0.0 if b is None else b[o]))
    return np.stack(out, axis=-1)


def _ndimage_multi(x, w, b, oracle_kw):
    """Per filter: scipy.ndimage.correlate of the (rows, columns, channels) block with the filter
    as one 3D kernel, whose single valid position along the channels is the sum over them."""
    kw = dict(oracle_kw, stride=oracle_kw["stride"] + (1,), pads=list(oracle_kw["pads"]) + [(0, 0)],
              dilation=oracle_kw["dilation"] + (1,), flip=False)
    out = []
    for o in range(w.shape[3]):
        k = w[::-1, ::-1, :, o] if oracle_kw["flip"] else w[..., o]
        out.append(ndimage_conv(x, k, **kw)[..., 0] + (0.0 if b is None else b[o]))
    return np.stack(out, axis=-1)


@pytest.mark.parametrize("seed", range(500))
def test_conv2d_multi_matches_naive_loops_scipy_and_its_trace(seed):
    """500 random configurations: every padding form and mode, stride, dilation, anchor, flip,
    1-4 input maps, 1-3 filters, with and without bias."""
    x, w, b, kw, oracle_kw = _multi_config(seed)
    where = f"x {x.shape}, w {w.shape}, {kw}"
    got = ops.conv2d_multi(x, w, b, **kw)
    np.testing.assert_array_equal(got, _naive_multi(x, w, b, oracle_kw), err_msg=where)
    bias = np.zeros(w.shape[3]) if b is None else b
    want = np.stack([sum(scipy_conv(x[..., c], w[..., c, o], **oracle_kw)
                         for c in range(x.shape[2])) + bias[o]
                     for o in range(w.shape[3])], axis=-1)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-10, err_msg=where)
    np.testing.assert_allclose(got, _ndimage_multi(x, w, b, oracle_kw), rtol=1e-12, atol=1e-10,
                               err_msg=where)
    plan = channels.conv2d_multi_plan(x, w, b, **kw)
    np.testing.assert_array_equal(plan.output, got, err_msg=where)
    # Spot-check a few steps bit for bit (all of them for small outputs).
    picks = range(plan.n_steps) if plan.n_steps <= 64 else np.random.default_rng(seed).choice(
        plan.n_steps, 64, replace=False)
    flat = got.reshape(-1)
    for n in picks:
        step = plan.step(n)
        assert step.total == flat[n], (where, n)
        i, j, o = step.index
        for c, s in enumerate(step.slices):
            assert s.value == plan.plans[o][c].output[i, j]
            np.testing.assert_array_equal(s.products, s.kernel * s.patch)
        assert plan.step_number(step.index) == n


def test_one_input_map_is_conv2d_plus_bias(rng):
    x = rng.normal(size=(7, 9))
    k = rng.normal(size=(3, 2))
    got = ops.conv2d_multi(x[..., None], k[..., None, None], [0.5], padding="same", stride=2)
    np.testing.assert_array_equal(got[..., 0], ops.conv2d(x, k, padding="same", stride=2) + 0.5)


def test_step_shows_each_slice_then_partials_plus_bias():
    x = np.zeros((3, 3, 3))
    x[..., 0], x[..., 1], x[..., 2] = 1.0, 2.0, 3.0
    w = np.ones((3, 3, 3, 1))
    w[..., 1, 0] = -1.0
    step = channels.conv2d_multi_plan(x, w, [0.5]).step(0)
    assert [s.value for s in step.slices] == [9.0, -18.0, 27.0]
    np.testing.assert_array_equal(step.partials, [9.0, -18.0, 27.0])
    assert step.total == 18.5 and step.relu == 18.5
    assert step.formula() == "9 + (-18) + 27 + 0.5 = 18.5"
    assert isinstance(step.slices[0], steps.ConvStep)
    assert step.slices[1].taps.shape == (3, 3, 2)


def test_negative_total_goes_to_zero_after_relu():
    step = channels.conv2d_multi_plan(np.ones((2, 2, 1)), -np.ones((2, 2, 1, 1)), [1]).step(0)
    assert step.total == -3.0 and step.relu == 0.0


@pytest.mark.parametrize("x, w, b, words", [
    (np.ones((4, 4)), np.ones((3, 3, 1, 1)), None, "3 axes (rows, columns, channels)"),
    (np.ones((4, 4, 3)), np.ones((3, 3, 3)), None, "4 axes"),
    (np.ones((4, 4, 3)), np.ones((3, 3, 2, 1)), None, "2 input channel(s) but the input has 3"),
    (np.ones((4, 4, 3)), np.ones((3, 3, 3, 2)), [1, 2, 3], "one number per filter (2)"),
    (np.ones((4, 4, 3)), np.ones((3, 3, 3, 2)), [1, np.nan], "only finite numbers"),
    (np.ones((2, 2, 3)), np.ones((3, 3, 3, 1)), None, "does not fit"),
    ([[[1, 2], [3]]], np.ones((1, 1, 2, 1)), None, "different lengths"),
    (np.full((2, 2, 1), "a"), np.ones((1, 1, 1, 1)), None, "only numbers"),
    (np.ones((4, 4, 1)) * 1e308, np.ones((2, 2, 1, 1)) * 10, None, "overflows"),
])
def test_bad_input_says_why(x, w, b, words):
    for call in (ops.conv2d_multi, channels.conv2d_multi_plan):
        with pytest.raises(ValueError, match=words.replace("(", r"\(").replace(")", r"\)")):
            call(x, w, b)


def test_keywords_reach_every_slice(rng):
    x, w = rng.normal(size=(6, 6, 2)), rng.normal(size=(3, 3, 2, 1))
    with pytest.raises(ValueError, match="stride must be at least 1"):
        ops.conv2d_multi(x, w, stride=0)
    with pytest.raises(ValueError, match="reflect padding"):
        ops.conv2d_multi(x, w, padding=6, pad_mode="reflect")


@pytest.mark.parametrize("seed", range(60))
def test_with_weights_equals_a_new_plan_and_recomputes_only_changed_slices(seed):
    """Random configurations: one slice changed (or only the bias), the plan of the same input
    with the new weights is bit for bit the fresh plan, and keeps the unchanged slices' plans."""
    x, w, b, kw, _ = _multi_config(seed)
    plan = channels.conv2d_multi_plan(x, w, b, **kw)
    rng = np.random.default_rng(seed)
    new_w, new_b = w.copy(), np.round(rng.normal(size=w.shape[3]), 2)
    c, o = int(rng.integers(w.shape[2])), int(rng.integers(w.shape[3]))
    if seed % 4:
        new_w[tuple(int(rng.integers(m)) for m in w.shape[:2]) + (c, o)] += 1.25
    again = plan.with_weights(new_w, new_b)
    fresh = channels.conv2d_multi_plan(x, new_w, new_b, **kw)
    np.testing.assert_array_equal(again.output, fresh.output)
    np.testing.assert_array_equal(again.weights, new_w)
    for oo in range(w.shape[3]):
        for cc in range(w.shape[2]):
            old, got, want = plan.plans[oo][cc], again.plans[oo][cc], fresh.plans[oo][cc]
            assert got.padded is old.padded        # the padded map is never made again
            np.testing.assert_array_equal(got.output, want.output)
            np.testing.assert_array_equal(got.kernel, want.kernel)
            if seed % 4 == 0 or (cc, oo) != (c, o):
                assert got is old
    n = again.n_steps - 1
    assert again.step(n).total == fresh.step(n).total == again.output.reshape(-1)[n]


def test_with_weights_refuses_another_shape_or_channel_count():
    plan = channels.conv2d_multi_plan(np.ones((4, 4, 2)), np.ones((3, 3, 2, 1)))
    with pytest.raises(ValueError, match="keep the plan's shape 3×3×2×1"):
        plan.with_weights(np.ones((2, 2, 2, 1)))
    with pytest.raises(ValueError, match="3 input channel"):
        plan.with_weights(np.ones((3, 3, 3, 1)))
    with pytest.raises(ValueError, match="only finite numbers"):
        plan.with_weights(np.full((3, 3, 2, 1), np.nan))


def test_a_read_only_input_is_kept_and_a_writable_one_copied():
    image = np.random.default_rng(5).random((6, 6, 3))
    writable = channels.conv2d_multi_plan(image, np.ones((3, 3, 3, 1)))
    assert writable.x is not image and not np.shares_memory(writable.x, image)
    image.setflags(write=False)
    kept = channels.conv2d_multi_plan(image, np.ones((3, 3, 3, 1)))
    assert kept.x is image
    view = np.random.default_rng(6).random((6, 6, 3))[:, :]    # read-only view, writable base
    view.setflags(write=False)
    assert not np.shares_memory(channels.conv2d_multi_plan(view, np.ones((1, 1, 3, 1))).x, view)
