"""Fast batched functions against their naive twins."""

import numpy as np
import pytest

from cnn_explorer.nn import functional as F
from cnn_explorer.nn.fast import pool2x2, winograd
from cnn_explorer.nn.fast.fused import conv_relu_maxpool_backward, conv_relu_maxpool_forward
from cnn_explorer.nn.fast.workspace import Workspace


@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("strides", [(1, 1), (2, 2), (1, 2)])
@pytest.mark.parametrize("kernel_hw", [(3, 3), (2, 4), (1, 1)])
def test_conv2d_matches_naive_loops(rng, padding, strides, kernel_hw):
    x = rng.normal(size=(2, 9, 8, 3))
    kernel = rng.normal(size=kernel_hw + (3, 4))
    bias = rng.normal(size=4)
    fast, _ = F.conv2d_forward(x, kernel, bias, strides, padding)
    np.testing.assert_allclose(fast, F.naive_conv2d(x, kernel, bias, strides, padding), rtol=1e-12,
                               atol=1e-12)
    if padding == "same":
        assert fast.shape[1:3] == (-(-9 // strides[0]), -(-8 // strides[1]))


def test_same_padding_puts_the_extra_pixel_after():
    assert F.same_padding(28, 3, 1) == (1, 1)
    assert F.same_padding(28, 4, 1) == (1, 2)
    assert F.same_padding(7, 3, 2) == (1, 1)
    assert F.same_padding(8, 3, 2) == (0, 1)


def test_col2im_is_the_adjoint_of_im2col(rng):
    # <im2col(x), c> == <x, col2im(c)> for every x and c
    x = rng.normal(size=(2, 7, 6, 3))
    cols = F.im2col(x, (3, 2), (2, 1), (3, 5))
    c = rng.normal(size=cols.shape)
    back = F.col2im(c, x.shape, (3, 2), (2, 1), (3, 5))
    assert np.isclose((cols * c).sum(), (x * back).sum(), rtol=1e-12)


@pytest.mark.parametrize("pool,strides", [((2, 2), (2, 2)), ((3, 3), (2, 2)), ((2, 3), (1, 2))])
def test_pooling_matches_naive_loops(rng, pool, strides):
    x = rng.normal(size=(3, 9, 10, 2))
    y, argmax = F.maxpool_forward(x, pool, strides)
    np.testing.assert_array_equal(y, F.naive_pool(x, pool, strides, "max"))
    np.testing.assert_allclose(F.avgpool_forward(x, pool, strides),
                               F.naive_pool(x, pool, strides, "average"), rtol=1e-12)
    assert argmax.max() < pool[0] * pool[1]


def test_max_pool_ties_send_the_gradient_to_the_first_maximum():
    x = np.zeros((1, 2, 2, 1))
    y, argmax = F.maxpool_forward(x)
    dx = F.maxpool_backward(np.ones_like(y), argmax, x.shape)
    np.testing.assert_array_equal(dx[0, :, :, 0], [[1, 0], [0, 0]])


def _generic_conv_relu_pool(x, kernel, bias, strides, padding, pool):
    z, cols = F.conv2d_forward(x, kernel, bias, strides, padding)
    a = np.maximum(z, 0)
    y, argmax = F.maxpool_forward(a, (pool, pool), (pool, pool))
    return y, (z, a, cols, argmax)


def _generic_backward(dy, x, kernel, strides, padding, pool, cache):
    z, a, cols, argmax = cache
    da = F.maxpool_backward(dy, argmax, a.shape, (pool, pool), (pool, pool))
    dz = da * (a > 0)
    return F.conv2d_backward(dz, x.shape, cols, kernel, strides, padding)


@pytest.mark.parametrize("cin", [1, 3])
@pytest.mark.parametrize("padding,strides,pool,size", [
    ("valid", (1, 1), 2, (12, 12)), ("valid", (1, 1), 2, (13, 11)), ("same", (1, 1), 2, (9, 10)),
    ("valid", (2, 1), 3, (15, 14)), ("same", (2, 2), 2, (11, 12))])
def test_fused_conv_relu_pool_equals_the_layers_one_by_one(rng, cin, padding, strides, pool, size):
    x = rng.normal(size=(3,) + size + (cin,))
    kernel = rng.normal(size=(3, 3, cin, 5))
    bias = rng.normal(size=5) * 0.1
    want, cache = _generic_conv_relu_pool(x, kernel, bias, strides, padding, pool)
    ws = Workspace()
    for _ in range(2):  # the second pass reuses the workspace buffers
        got, fused_cache = conv_relu_maxpool_forward(x, kernel, bias, strides, padding, pool, ws)
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
        dy = rng.normal(size=want.shape)
        dx, dk, db = conv_relu_maxpool_backward(dy, fused_cache, True, ws)
        wdx, wdk, wdb = _generic_backward(dy, x, kernel, strides, padding, pool, cache)
        np.testing.assert_allclose(dx, wdx, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(dk, wdk, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(db, wdb, rtol=1e-10, atol=1e-12)
        # without dx (a first layer) the kernel gradient takes another route for a 2x2 pool
        fused_cache = conv_relu_maxpool_forward(x, kernel, bias, strides, padding, pool, ws)[1]
        no_dx, dk, db = conv_relu_maxpool_backward(dy, fused_cache, False, ws)
        assert no_dx is None
        np.testing.assert_allclose(dk, wdk, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(db, wdb, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("cin", [1, 3])  # im2col and Winograd
def test_fused_pool_ties_match_the_generic_path(cin):
    # all-zero images give equal conv outputs (exact zeros) in every window: the first tap wins
    x = np.zeros((2, 6, 6, cin))
    kernel = np.ones((3, 3, cin, 2))
    bias = np.array([0.5, -0.5])
    want, cache = _generic_conv_relu_pool(x, kernel, bias, (1, 1), "valid", 2)
    got, fused_cache = conv_relu_maxpool_forward(x, kernel, bias)
    np.testing.assert_array_equal(got, want)
    dy = np.ones_like(want)
    dx, dk, db = conv_relu_maxpool_backward(dy, fused_cache)
    wdx, wdk, wdb = _generic_backward(dy, x, kernel, (1, 1), "valid", 2, cache)
    np.testing.assert_array_equal(dx, wdx)
    np.testing.assert_array_equal(db, wdb)


def test_pool2x2_tournament_picks_the_first_maximum_of_each_window(rng):
    # values from {0, 1, 2} make every kind of tie frequent
    z = rng.integers(0, 3, size=(4, 500, 3)).astype(float)
    want_y = z.max(axis=0)
    first = np.argmax(z == want_y, axis=0)  # the first tap holding the maximum
    y, masks = np.empty_like(want_y), np.empty((3,) + want_y.shape, bool)
    pool2x2.forward(z.copy(), y, masks)
    np.testing.assert_array_equal(y, want_y)
    dp = rng.normal(size=y.shape)
    out = np.empty_like(z)
    pool2x2.route(dp, masks.view(np.uint8), out)
    for q in range(4):
        np.testing.assert_array_equal(out[q], np.where(first == q, dp, 0))


def test_winograd_takes_only_3x3_stride_1_kernels_on_several_channels_before_a_2x2_pool():
    assert winograd.applies((3, 3, 32, 64), (1, 1), 2)
    assert not winograd.applies((3, 3, 1, 32), (1, 1), 2)  # one channel stays on im2col
    assert not winograd.applies((3, 3, 4, 8), (2, 2), 2)
    assert not winograd.applies((3, 3, 4, 8), (1, 1), 3)
    assert not winograd.applies((2, 2, 4, 8), (1, 1), 2)


@pytest.mark.parametrize("need_dx", [True, False])
def test_winograd_block_in_float32_at_the_guide_shapes(rng, need_dx):
    # the guide's second block: 13x13x32 in, 64 filters, the 11x11 conv output's last row and
    # column never pooled
    x = rng.normal(size=(4, 13, 13, 32))
    kernel = rng.normal(size=(3, 3, 32, 64)) * 0.1
    bias = rng.normal(size=64) * 0.1
    want, cache = _generic_conv_relu_pool(x, kernel, bias, (1, 1), "valid", 2)
    dy = rng.normal(size=want.shape)
    wdx, wdk, wdb = _generic_backward(dy, x, kernel, (1, 1), "valid", 2, cache)
    f32 = np.float32
    got, fused_cache = conv_relu_maxpool_forward(x.astype(f32), kernel.astype(f32),
                                                 bias.astype(f32), ws=Workspace())
    assert got.dtype == f32
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)
    dx, dk, db = conv_relu_maxpool_backward(dy.astype(f32), fused_cache, need_dx, Workspace())
    assert dk.dtype == db.dtype == f32
    np.testing.assert_allclose(dk, wdk, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(db, wdb, rtol=1e-4, atol=1e-4)
    if need_dx:
        assert dx.dtype == f32
        np.testing.assert_allclose(dx, wdx, rtol=1e-4, atol=1e-5)
    else:
        assert dx is None


def test_softmax_cross_entropy_is_stable_for_huge_logits():
    logits = np.array([[1000.0, 0.0, -1000.0], [0.0, 0.0, 0.0]])
    loss, probs, d = F.sparse_cross_entropy_from_logits(logits, np.array([0, 2]))
    assert np.isclose(loss, np.log(3))
    np.testing.assert_allclose(probs.sum(axis=1), 1)
    np.testing.assert_allclose(d[1], [1 / 3, 1 / 3, -2 / 3])
