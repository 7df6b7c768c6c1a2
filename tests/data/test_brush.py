"""The drawing brush: Gaussian dabs, strokes without gaps, ink that saturates at 1."""

import numpy as np
import pytest

from cnn_explorer.data.brush import Brush


def test_a_click_inks_a_gaussian_cut_at_three_sigma():
    brush = Brush(size=28, sigma=0.9, strength=0.55)
    brush.stroke([(14.0, 10.0)])
    centres = np.arange(28) + 0.5
    gy, gx = (np.exp(-((centres - c) ** 2) / (2 * 0.9 ** 2)) for c in (10.0, 14.0))
    gy[np.abs(centres - 10.0) > 2.7] = 0
    gx[np.abs(centres - 14.0) > 2.7] = 0
    # a click is a stroke of length 0: its two ends (t = 0 and t = 1) are both dabbed
    expected = np.minimum(0.55 * np.outer(gy, gx) * 2, 1.0)
    np.testing.assert_allclose(brush.image, expected, rtol=1e-5, atol=1e-6)


def test_a_fast_stroke_leaves_no_gap_and_ink_never_passes_one():
    brush = Brush()
    brush.stroke([(2.0, 14.0), (26.0, 14.0)])          # one mouse move across the canvas
    assert brush.image[13, 2:26].min() > 0.5 and brush.image.max() == 1.0
    assert brush.image.dtype == np.float32 and brush.image[0].max() == 0


def test_a_lifted_brush_starts_a_new_stroke():
    brush = Brush()
    brush.stroke_to(4.0, 4.0)
    brush.lift()
    brush.stroke_to(24.0, 24.0)
    assert brush.image[14, 14] == 0                     # nothing drawn between the two dabs


@pytest.mark.parametrize("kwargs", [{"size": 0}, {"size": 2.5}, {"size": 10 ** 6},
                                    {"sigma": 0}, {"strength": 2}, {"sigma": float("nan")}])
def test_a_brush_refuses_what_no_canvas_can_take(kwargs):
    with pytest.raises(ValueError):
        Brush(**kwargs)
