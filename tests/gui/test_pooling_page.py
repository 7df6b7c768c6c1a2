"""The pooling page, driven as a student would: kinds, stepping, the conv → ReLU → pool pipeline,
the one-pixel shift, undo and bad input."""

import numpy as np
import pytest

from cnn_explorer.gui.pages.pooling_shift import DIRECTIONS, compare_shift, shift_by_one


# -- the shift measurement (Qt-free) -----------------------------------------------------------
@pytest.mark.parametrize("direction", list(DIRECTIONS))
def test_shift_by_one_moves_the_content_and_fills_the_new_edge_with_zero(direction):
    x = np.arange(1, 13, dtype=float).reshape(3, 4)
    out = shift_by_one(x, direction)
    expected = {"right": np.c_[np.zeros(3), x[:, :-1]], "left": np.c_[x[:, 1:], np.zeros(3)],
                "down": np.r_[np.zeros((1, 4)), x[:-1]], "up": np.r_[x[1:], np.zeros((1, 4))]}
    np.testing.assert_array_equal(out, expected[direction])


def test_shift_rejects_an_unknown_direction():
    with pytest.raises(ValueError, match="unknown shift direction"):
        shift_by_one(np.ones((2, 2)), "sideways")


def test_max_pooling_absorbs_a_shift_inside_its_windows():
    # a vertical line in column 2; 2×2 max windows cover columns (0, 1), (2, 3)
    x = np.zeros((4, 4))
    x[:, 2] = 2.0

    def pool(a):  # 2×2 max pooling, written out as the oracle
        return a.reshape(2, 2, 2, 2).max(axis=(1, 3))

    right = compare_shift(x, "right", pool)
    assert (right.input_count, right.input_changed.size) == (8, 16)   # columns 2 and 3 changed
    assert (right.pooled_count, right.pooled_share) == (0, 0.0)        # the line stays in window 1
    left = compare_shift(x, "left", pool)
    assert left.input_share == 0.5
    assert left.pooled_count == 4                                      # it crosses into window 0
