"""ops.pool1d / ops.pool2d against naive loops and scipy.ndimage filters, and the guide's picture."""

import numpy as np
import pytest

from cnn_explorer.core import kernels, ops
from core_oracles import naive_pool, ndimage_pool, random_pool_config

POOL = {1: ops.pool1d, 2: ops.pool2d}
KINDS = ["max", "avg", "l2", "weighted"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("nd", [1, 2])
@pytest.mark.parametrize("seed", range(50))
def test_pool_matches_naive_loop_and_ndimage(kind, nd, seed):
    """400 random configurations: window and stride sizes, every padding form, ceil_mode."""
    rng = np.random.default_rng([20261125, nd, seed, KINDS.index(kind)])
    x, size, kw, pads, stride = random_pool_config(rng, nd, kind)
    where = f"x {x.shape}, size {size}, {kw}"
    got = POOL[nd](x, size if nd == 2 or seed % 2 else size[0], **kw)
    naive = naive_pool(x, size, stride, pads, kind, kw["weights"], kw["ceil_mode"])
    assert got.shape == naive.shape, where
    # Same terms in the same order (padding adds exact zeros), so the floats are identical.
    np.testing.assert_array_equal(got, naive, err_msg=where)
    filtered = ndimage_pool(x, size, stride, pads, kind, kw["weights"], kw["ceil_mode"])
    np.testing.assert_allclose(got, filtered, rtol=1e-10, atol=1e-10, err_msg=where)


@pytest.mark.parametrize("nd", [1, 2])
def test_global_pooling(rng, nd):
    for _ in range(10):
        x = rng.normal(size=tuple(rng.integers(1, 9, nd)))
        assert POOL[nd](x, None, kind="global_max").tolist() == np.full((1,) * nd, x.max()).tolist()
        np.testing.assert_allclose(POOL[nd](x, 3, kind="global_avg"),
                                   np.full((1,) * nd, x.mean()), rtol=1e-12, atol=1e-14)


def test_guide_max_pooling_picture():
    """Every 2×2 block of the edge feature map keeps its maximum: the 2s and 3s survive, the exact
    column is lost."""
    feature_map = [
        [0, 0, 2, 2],
        [0, 0, 3, 3],
        [0, 0, 3, 3],
        [0, 0, 2, 2],
    ]
    assert ops.pool2d(feature_map, 2).tolist() == [[0, 3], [0, 3]]
    assert ops.pool2d(feature_map, 2, kind="avg").tolist() == [[0, 2.5], [0, 2.5]]
    # Moving the edge by one column inside its block changes nothing after pooling.
    shifted = [[0, 0, 0, 2], [0, 0, 0, 3], [0, 0, 0, 3], [0, 0, 0, 2]]
    assert ops.pool2d(shifted, 2).tolist() == [[0, 3], [0, 3]]


def test_guide_feature_map_of_the_edge_image():
    """The pooling page's preset: Prewitt x on the guide's image, then 2×2 max pooling."""
    fmap = ops.conv2d(kernels.GUIDE_EDGE_IMAGE, kernels.PRESETS["prewitt x"].values,
                      padding="same")
    assert ops.pool2d(fmap, 2).tolist() == [[0, 3, 0], [0, 3, 0], [0, 3, 0]]
    assert ops.pool2d(fmap, 2, kind="avg").tolist() == [[0, 2.5, -1.25], [0, 3, -1.5],
                                                        [0, 2.5, -1.25]]


def test_padding_rules_per_kind():
    x = [[-1.0, -2.0], [-3.0, -4.0]]
    # max: pads are -inf, so a negative map keeps its own values.
    assert ops.pool2d(x, 2, stride=1, padding=1).tolist() == [[-1, -1, -2], [-1, -1, -2],
                                                               [-3, -3, -4]]
    # avg: pads are not counted; a corner window averages its one real cell.
    assert ops.pool2d(x, 2, stride=1, padding=1, kind="avg").tolist() == [
        [-1, -1.5, -2], [-2, -2.5, -3], [-3, -3.5, -4]]
    # l2 and weighted: pads are zeros.
    assert ops.pool1d([3.0, 4.0], 2, stride=1, padding=1, kind="l2").tolist() == [3, 5, 4]
    assert ops.pool1d([3.0, 4.0], 2, stride=1, padding=1, kind="weighted",
                      weights=[1, 10]).tolist() == [30, 43, 4]


def test_ceil_mode_keeps_a_partial_last_window():
    x = np.arange(5.0)
    assert ops.pool1d(x, 2).tolist() == [1, 3]
    assert ops.pool1d(x, 2, ceil_mode=True).tolist() == [1, 3, 4]
    assert ops.pool1d(x, 2, ceil_mode=True, kind="avg").tolist() == [0.5, 2.5, 4]
    assert ops.pool1d(np.arange(4.0), 2, padding=1, ceil_mode=True).tolist() == [0, 2, 3]
    # PyTorch's rule: a window may not start in the right padding, even with ceil_mode
    # (rounding up would give 3 windows here; the third would start at index 5 of 0..3).
    assert ops.pool1d(np.arange(4.0), 2, stride=3, padding=1, ceil_mode=True).tolist() == [0, 3]


def test_stride_defaults_to_size_and_weights_are_ignored_by_other_kinds():
    x = np.arange(16.0).reshape(4, 4)
    assert ops.pool2d(x, (2, 1)).tolist() == [[4, 5, 6, 7], [12, 13, 14, 15]]
    assert ops.pool2d(x, 2, weights=np.ones((5, 5))).tolist() == [[5, 7], [13, 15]]
    w = kernels.gaussian_weights((2, 2))
    assert ops.pool2d(x, 2, kind="weighted", weights=w).tolist() == \
        ops.pool2d(x, 2, kind="avg").tolist()


def test_the_max_pooling_winner_is_chosen_in_pooling_and_is_the_first_largest():
    from cnn_explorer.core.pooling import pool_winner
    from cnn_explorer.core.steps import pool2d_plan

    assert pool_winner("max", np.array([1.0, 3.0, 3.0, -np.inf])) == 1      # the first of two 3s
    assert pool_winner("global_max", np.array([-np.inf, -2.0])) == 1        # a pad never wins
    assert pool_winner("avg", np.array([1.0, 2.0])) is None
    step = pool2d_plan(np.array([[1.0, 5.0], [5.0, 0.0]]), 2).step(0)
    assert step.winner == (0, 1)
