"""ops.conv1d / ops.conv2d against a naive loop, scipy.signal and scipy.ndimage, and the guide."""

import numpy as np
import pytest
import scipy.ndimage as ndi
import scipy.signal as sps

from cnn_explorer.core import kernels, ops
from core_oracles import NDI_MODE, naive_conv, random_conv_config, scipy_conv

CONV = {1: ops.conv1d, 2: ops.conv2d}


def _describe(x, k, kw):
    return f"x {x.shape}, kernel {k.shape}, {kw}"


@pytest.mark.parametrize("nd", [1, 2])
@pytest.mark.parametrize("seed", range(300))
def test_conv_matches_naive_loop_and_scipy(nd, seed):
    """600 random configurations: shapes, rectangular/even kernels, every padding form and
    pad mode, strides, dilations, anchors, flip."""
    x, k, kw, oracle_kw = random_conv_config(np.random.default_rng([20261125, nd, seed]), nd)
    got = CONV[nd](x, k, **kw)
    naive = naive_conv(x, k, **oracle_kw)
    where = _describe(x, k, kw)
    assert got.shape == naive.shape, where
    # The naive loop adds the terms in the same (raster) order, so the floats are identical.
    np.testing.assert_array_equal(got, naive, err_msg=where)
    # scipy adds in another order: equal up to rounding.
    np.testing.assert_allclose(got, scipy_conv(x, k, **oracle_kw), rtol=1e-12, atol=1e-10,
                               err_msg=where)


@pytest.mark.parametrize("nd", [1, 2])
@pytest.mark.parametrize("seed", range(100))
def test_zero_and_unit_weights_give_the_naive_loops_floats(nd, seed):
    """Zero weights are skipped and ±1 ones added without a product: the sums stay the naive
    loop's, bit for bit (kernels of 0, ±1 and other weights; all-zero ones too)."""
    rng = np.random.default_rng([20261204, nd, seed])
    x, k, kw, oracle_kw = random_conv_config(rng, nd)
    choices = [0.0, 1.0, -1.0, 2.0, -0.5] if seed % 10 else [0.0]
    k = rng.choice(choices, size=k.shape)
    got = CONV[nd](x, k, **kw)
    np.testing.assert_array_equal(got, naive_conv(x, k, **oracle_kw), err_msg=_describe(x, k, kw))


def test_sobel_on_a_large_image_is_the_naive_sum_over_row_blocks(rng):
    x = rng.normal(size=(300, 257))
    k = np.array([[-1.0, 0, 1], [-2, 0, 2], [-1, 0, 1]])
    naive = naive_conv(x, k, stride=(1, 1), pads=[(1, 1), (1, 1)], pad_mode="zeros",
                       dilation=(1, 1), flip=False)
    np.testing.assert_array_equal(ops.conv2d(x, k, padding="same"), naive)


@pytest.mark.parametrize("mode", ["full", "same", "valid"])
@pytest.mark.parametrize("flip", [False, True])
def test_modes_match_scipy_signal_directly(rng, mode, flip):
    """padding="full"/"same"/"valid" (zeros, odd kernels) are scipy's modes of the same name."""
    func = sps.convolve if flip else sps.correlate
    for _ in range(20):
        x = rng.normal(size=tuple(rng.integers(3, 12, 2)))
        k = rng.normal(size=tuple(2 * rng.integers(0, 2, 2) + 1))
        np.testing.assert_allclose(ops.conv2d(x, k, padding=mode, flip=flip),
                                   func(x, k, mode=mode, method="direct"), rtol=1e-12, atol=1e-12)
        x1, k1 = x[0], k[0]
        np.testing.assert_allclose(ops.conv1d(x1, k1, padding=mode, flip=flip),
                                   func(x1, k1, mode=mode, method="direct"), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("pad_mode", list(NDI_MODE))
def test_same_padding_matches_scipy_ndimage_modes(rng, pad_mode):
    """Every pad mode against ndimage.correlate's boundary modes, any anchor (ndimage's origin)."""
    for _ in range(25):
        kshape = tuple(int(v) for v in rng.integers(1, 5, 2))
        x = rng.normal(size=tuple(int(v) for v in rng.integers(4, 10, 2)))
        k = rng.normal(size=kshape)
        anchor = tuple(int(rng.integers(0, m)) for m in kshape)
        got = ops.conv2d(x, k, padding="same", pad_mode=pad_mode, anchor=anchor)
        origin = [a - m // 2 for a, m in zip(anchor, kshape)]
        want = ndi.correlate(x, k, mode=NDI_MODE[pad_mode], origin=origin)
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12,
                                   err_msg=f"kernel {kshape}, anchor {anchor}")


def test_flip_is_true_convolution_with_the_typed_anchor():
    """flip=True flips the kernel; "same" keeps the typed anchor element over x[i]."""
    x = np.array([0.0, 0, 1, 0, 0, 0])
    # An impulse convolved with a kernel reproduces the kernel, placed by the anchor.
    assert ops.conv1d(x, [1, 2, 3], padding="same", flip=True).tolist() == [0, 1, 2, 3, 0, 0]
    assert ops.conv1d(x, [1, 2, 3], padding="same", flip=True, anchor=0).tolist() == \
        [0, 0, 1, 2, 3, 0]
    # Correlation gives the kernel reversed.
    assert ops.conv1d(x, [1, 2, 3], padding="same").tolist() == [0, 3, 2, 1, 0, 0]


def test_guide_1d_derivative():
    """The guide: [-1, 1], centre on the right element, one zero padded on the left."""
    signal = [0, 0, 1, 1, 1, 0, 0]
    assert kernels.GUIDE_SIGNAL_1D.tolist() == signal
    out = ops.conv1d(signal, [-1, 1], padding="same", anchor=1)
    assert out.tolist() == [0, 0, 1, 0, 0, -1, 0]
    # out[i] = x[i] - x[i-1] with x[-1] = 0: the first two steps give the guide's [0, 0].
    assert out[:2].tolist() == [0, 0]
    # Without padding the output is one shorter and starts at the first pair.
    assert ops.conv1d(signal, [-1, 1]).tolist() == [0, 1, 0, 0, -1, 0]


def test_guide_2d_prewitt_x_on_vertical_edge():
    """The guide's 2D example with "same" zero padding, every number written out.

    Inside, the 3 rows of a column pair each give 1 - 0 = 1, so the edge columns read 3; the top
    and bottom rows see one zero row of padding, so they read 2. The right border reads -3/-2:
    the zero padding beyond a bright column is itself an edge.
    """
    image = [[0, 0, 0, 1, 1, 1]] * 6
    assert kernels.GUIDE_EDGE_IMAGE.tolist() == image
    prewitt_x = [[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]]
    assert kernels.PRESETS["prewitt x"].values.tolist() == prewitt_x
    out = ops.conv2d(image, prewitt_x, padding="same")
    assert out.tolist() == [
        [0, 0, 2, 2, 0, -2],
        [0, 0, 3, 3, 0, -3],
        [0, 0, 3, 3, 0, -3],
        [0, 0, 3, 3, 0, -3],
        [0, 0, 3, 3, 0, -3],
        [0, 0, 2, 2, 0, -2],
    ]
    # Replicate padding continues the image, so only the real edge remains.
    assert ops.conv2d(image, prewitt_x, padding="same", pad_mode="replicate").tolist() == \
        [[0, 0, 3, 3, 0, 0]] * 6
    # Prewitt y sees no vertical change in a vertical edge (apart from the zero rows beyond).
    assert ops.conv2d(image, kernels.PRESETS["prewitt y"].values, padding="valid").tolist() == \
        [[0, 0, 0, 0]] * 4


def test_output_sizes_follow_the_formula():
    x = np.ones((10, 7))
    assert ops.conv2d(x, np.ones((3, 2)), stride=(2, 3), dilation=(1, 2)).shape == (4, 2)
    assert ops.conv2d(x, np.ones((3, 3)), padding="full").shape == (12, 9)
    assert ops.conv2d(x, np.ones((4, 2)), padding="same", dilation=2).shape == (10, 7)
    assert ops.conv2d(x, np.ones((3, 3)), padding=(1, 0, 2, 3)).shape == (9, 10)
    assert ops.conv1d(np.ones(10), [1, 1, 1], stride=3).shape == (3,)


def test_large_image_is_exact_over_row_blocks(rng):
    """Big inputs are computed in blocks of rows; block edges must not change any value."""
    x = rng.normal(size=(300, 257))
    k = rng.normal(size=(3, 4))
    got = ops.conv2d(x, k, padding="same", stride=(2, 1), dilation=(2, 1))
    np.testing.assert_allclose(got, scipy_conv(x, k, stride=(2, 1), pads=[(2, 2), (1, 2)],
                                               pad_mode="zeros", dilation=(2, 1), flip=False),
                               rtol=1e-12, atol=1e-11)
    row = ops.conv1d(x[7], k[1], padding="same")
    np.testing.assert_array_equal(row, ops.conv2d(x[7:8], k[1:2], padding="same")[0])


def test_inputs_are_not_modified_and_output_is_float64():
    x = np.arange(12, dtype=np.int32).reshape(3, 4)
    k = np.array([[1, -1]], dtype=np.float32)
    out = ops.conv2d(x, k, padding="same", pad_mode="reflect")
    assert out.dtype == np.float64
    assert x.tolist() == np.arange(12).reshape(3, 4).tolist()
    out[:] = 99   # the result owns its memory
    assert x[0, 0] == 0
