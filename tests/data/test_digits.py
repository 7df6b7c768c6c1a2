"""as_mnist_digit: crop to the ink, scale into 20×20, centre by centre of mass in 28×28."""

import numpy as np
import pytest
from scipy import ndimage

from cnn_explorer.data.digits import as_mnist_digit


def bounding_box(image, ink=0.05):
    rows, cols = np.nonzero(image > ink)
    return rows.max() - rows.min() + 1, cols.max() - cols.min() + 1


@pytest.mark.parametrize("corner", [(0, 0), (18, 3), (5, 20)])
def test_a_small_digit_anywhere_is_scaled_up_and_centred(corner):
    drawing = np.zeros((28, 28))
    r, c = corner
    drawing[r:r + 8, c + 3] = 1.0          # a "1", 8 pixels tall
    drawing[r, c:c + 4] = 1.0
    seen = as_mnist_digit(drawing)
    assert seen.shape == (28, 28) and seen.dtype == np.float32
    assert max(bounding_box(seen)) == 20
    cy, cx = ndimage.center_of_mass(seen)
    assert abs(cy - 14) <= 0.5 and abs(cx - 14) <= 0.5


def test_a_digit_across_the_whole_canvas_fits_the_20_pixel_box():
    drawing = np.zeros((28, 28))
    drawing[1, 1:27] = 1.0                 # a "7" from edge to edge
    for k in range(26):
        drawing[1 + k, 26 - k // 2] = 1.0
    seen = as_mnist_digit(drawing)
    assert max(bounding_box(seen)) <= 20
    cy, cx = ndimage.center_of_mass(seen)
    # its mass is right of its middle: centred as far as the 28 pixels allow, at the edge
    assert abs(cx - 14) <= 0.5 or seen[:, 0].max() > 0.05 or seen[:, -1].max() > 0.05
    assert abs(cy - 14) <= 0.5 or seen[0].max() > 0.05 or seen[-1].max() > 0.05
    assert seen.max() <= 1.0 and seen.min() >= 0.0


def test_no_ink_gives_an_empty_image_and_bad_input_is_a_value_error():
    assert not as_mnist_digit(np.zeros((28, 28))).any()
    with pytest.raises(ValueError, match="one grey image"):
        as_mnist_digit(np.zeros((2, 28, 28)))
    with pytest.raises(ValueError, match="not numbers"):
        as_mnist_digit(np.full((28, 28), np.nan))


def test_an_mnist_digit_stays_itself():
    from cnn_explorer.data import catalog
    digit = catalog.load(catalog.BUNDLED).x_test[0].astype(float) / 255
    np.testing.assert_allclose(as_mnist_digit(digit), digit, atol=1e-6)  # already made so
