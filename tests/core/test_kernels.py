"""Kernel presets, Gaussian weights, guide data and kernel validation."""

import numpy as np
import pytest

from cnn_explorer.core import kernels, ops

CONTRACT_NAMES = ["derivative [-1, 1]", "central difference [-1, 0, 1]", "prewitt x", "prewitt y",
                  "sobel x", "sobel y", "scharr x", "scharr y", "laplacian 4", "laplacian 8",
                  "box blur 3×3", "gaussian 3×3", "gaussian 5×5", "sharpen", "emboss",
                  "identity 3×3"]


def test_every_named_preset_exists_with_a_description():
    for name in CONTRACT_NAMES:
        preset = kernels.PRESETS[name]
        assert preset.name == name and preset.description and "\n" not in preset.description
        assert preset.values.ndim == preset.dims
        assert not preset.values.flags.writeable
    assert any(p.name.startswith("identity") for p in kernels.presets(1))
    assert all(p.dims == 1 for p in kernels.presets(1))
    assert all(p.dims == 2 for p in kernels.presets(2))
    assert len(kernels.presets(1)) + len(kernels.presets(2)) == len(kernels.PRESETS)


def test_preset_values():
    p = kernels.PRESETS
    assert p["prewitt x"].values.tolist() == [[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]]
    assert p["prewitt y"].values.tolist() == [[-1, -1, -1], [0, 0, 0], [1, 1, 1]]
    assert p["sobel x"].values.tolist() == [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]
    assert p["scharr y"].values.tolist() == [[-3, -10, -3], [0, 0, 0], [3, 10, 3]]
    assert (p["gaussian 3×3"].values * 16).tolist() == [[1, 2, 1], [2, 4, 2], [1, 2, 1]]
    assert (p["gaussian 5×5"].values * 256)[2].tolist() == [6, 24, 36, 24, 6]
    for name in ("box blur 3×3", "gaussian 3×3", "gaussian 5×5", "sharpen", "identity 3×3"):
        assert p[name].values.sum() == pytest.approx(1.0)      # brightness kept
    for name in ("prewitt x", "sobel y", "scharr x", "laplacian 4", "laplacian 8"):
        assert p[name].values.sum() == 0                       # flat areas give 0


@pytest.mark.parametrize("name", ["identity 3×3", "identity [0, 1, 0]"])
def test_identity_copies_the_input(rng, name):
    preset = kernels.PRESETS[name]
    x = rng.normal(size=(6, 5) if preset.dims == 2 else 9)
    conv = ops.conv2d if preset.dims == 2 else ops.conv1d
    np.testing.assert_array_equal(conv(x, preset.values, padding="same"), x)


def test_gaussian_weights():
    assert (kernels.gaussian_weights((2, 2)) * 4).tolist() == [[1, 1], [1, 1]]
    assert (kernels.gaussian_weights(3) * 4).tolist() == [1, 2, 1]
    w = kernels.gaussian_weights((3, 4))
    assert w.shape == (3, 4) and w.sum() == pytest.approx(1.0)
    assert (w * 32).tolist() == [[1, 3, 3, 1], [2, 6, 6, 2], [1, 3, 3, 1]]
    # Pascal's numbers pass 1e308 at 1030: the weights came out all 0, then NaN, without a word
    wide = kernels.gaussian_weights(1024)
    assert np.isfinite(wide).all() and wide.sum() == pytest.approx(1.0)
    assert wide[511] == wide.max() > 0


def test_validate_kernel_accepts_numbers_and_returns_a_new_float_array():
    typed = [[1, 2], [3, 4]]
    out = kernels.validate_kernel(typed, dims=2)
    assert out.dtype == np.float64 and out.tolist() == typed
    source = np.ones((7, 7))
    copy = kernels.validate_kernel(source, dims=2)
    copy[0, 0] = 5
    assert source[0, 0] == 1
    assert kernels.validate_kernel(np.array([1, 0, -1], dtype=np.int8), dims=1).tolist() == [1, 0, -1]
    assert kernels.validate_kernel([[1, 2, 3]], dims=2, max_size=3).shape == (1, 3)


def test_guide_data():
    assert kernels.GUIDE_SIGNAL_1D.tolist() == [0, 0, 1, 1, 1, 0, 0]
    assert kernels.GUIDE_EDGE_IMAGE.shape == (6, 6)
    assert kernels.GUIDE_EDGE_IMAGE.tolist() == [[0, 0, 0, 1, 1, 1]] * 6
    assert not kernels.GUIDE_EDGE_IMAGE.flags.writeable
