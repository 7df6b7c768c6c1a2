"""Pad amounts, pad modes and the output-size formula."""

import numpy as np
import pytest

from cnn_explorer.core import padding
from core_oracles import NP_MODE, pool_out_len


def test_default_anchor_is_the_middle_or_left_of_middle():
    assert [padding.default_anchor(k) for k in range(1, 8)] == [0, 0, 1, 1, 2, 2, 3]


@pytest.mark.parametrize("request_, kernel, kw, expected", [
    ("valid", (3, 3), {}, ((0, 0), (0, 0))),
    ("same", (2,), {"anchor": 1}, ((1, 0),)),        # the guide: one zero on the left
    ("same", (2,), {}, ((0, 1),)),                   # default anchor 0: the zero goes right
    ("same", (3, 4), {}, ((1, 1), (1, 2))),
    ("same", (3, 3), {"dilation": 2}, ((2, 2), (2, 2))),
    ("same", (3, 3), {"dilation": (1, 3), "anchor": (0, 2)}, ((0, 2), (6, 0))),
    ("full", (3, 2), {}, ((2, 2), (1, 1))),
    ("full", (3,), {"dilation": 2}, ((4, 4),)),
    (" Same ", (3,), {}, ((1, 1),)),
    (2, (3, 3), {}, ((2, 2), (2, 2))),
    (np.int64(1), (3,), {}, ((1, 1),)),
    ((1, 0), (3,), {}, ((1, 0),)),
    ((1, 0, 2, 3), (3, 3), {}, ((1, 0), (2, 3))),
    ((1, 2), (3, 3), {}, ((1, 1), (2, 2))),                # (rows, cols), symmetric
    (((1, 0), (0, 2)), (3, 3), {}, ((1, 0), (0, 2))),
    ([0, 1, 1, 0], (2, 2), {}, ((0, 1), (1, 0))),
])
def test_resolve_padding(request_, kernel, kw, expected):
    assert padding.resolve_padding(request_, kernel, **kw) == expected


def test_resolve_anchor():
    assert padding.resolve_anchor(None, (4, 3)) == (1, 1)
    assert padding.resolve_anchor(1, (2, 2)) == (1, 1)
    assert padding.resolve_anchor((0, 2), (2, 3)) == (0, 2)


def test_output_length_matches_window_counting(rng):
    """The formula against counting window positions one by one (and PyTorch's ceil rule)."""
    for _ in range(300):
        n, k = (int(v) for v in rng.integers(1, 12, 2))
        stride, dilation = (int(v) for v in rng.integers(1, 4, 2))
        pad = tuple(int(v) for v in rng.integers(0, 4, 2))
        span = dilation * (k - 1) + 1
        if n + sum(pad) < span:
            continue
        count = sum(1 for start in range(0, n + sum(pad)) if start % stride == 0
                    and start + span <= n + sum(pad))
        assert padding.output_length(n, k, stride=stride, dilation=dilation, pad=pad) == count
        if dilation == 1:
            assert padding.output_length(n, k, stride=stride, pad=pad, ceil_mode=True) == \
                pool_out_len(n, k, stride, *pad, ceil_mode=True)


def test_output_length_examples():
    assert padding.output_length(7, 2, pad=(1, 0)) == 7
    assert padding.output_length(28, 3) == 26
    assert padding.output_length(13, 2, stride=2) == 6
    assert padding.output_length(13, 2, stride=2, ceil_mode=True) == 7
    assert padding.output_length(4, 2, stride=3, pad=(1, 1), ceil_mode=True) == 2


@pytest.mark.parametrize("mode", padding.PAD_MODES)
def test_pad_matches_numpy(rng, mode):
    for _ in range(30):
        x = rng.normal(size=tuple(int(v) for v in rng.integers(1, 7, 2)))
        limit = {"reflect": np.array(x.shape) - 1, "circular": np.array(x.shape)}.get(mode, [5, 5])
        pads = tuple(tuple(int(v) for v in rng.integers(0, lim + 1, 2)) for lim in limit)
        np.testing.assert_array_equal(padding.pad(x, pads, mode), np.pad(x, pads, NP_MODE[mode]))
        np.testing.assert_array_equal(padding.pad(x[0], pads[1:], mode),
                                      np.pad(x[0], pads[1:], NP_MODE[mode]))


def test_pad_modes_on_a_short_signal():
    x = [1.0, 2.0, 3.0]
    assert padding.pad(x, ((2, 2),), "zeros").tolist() == [0, 0, 1, 2, 3, 0, 0]
    assert padding.pad(x, ((2, 2),), "reflect").tolist() == [3, 2, 1, 2, 3, 2, 1]
    assert padding.pad(x, ((2, 2),), "replicate").tolist() == [1, 1, 1, 2, 3, 3, 3]
    assert padding.pad(x, ((2, 2),), "circular").tolist() == [2, 3, 1, 2, 3, 1, 2]
    assert padding.pad(x, ((1, 0),), "zeros", value=-np.inf).tolist() == [-np.inf, 1, 2, 3]


def test_pad_mask():
    mask = padding.pad_mask((2, 3), ((1, 0), (0, 2)))
    assert mask.astype(int).tolist() == [[1, 1, 1, 1, 1], [0, 0, 0, 1, 1], [0, 0, 0, 1, 1]]
    assert padding.pad_mask(3, ((1, 1),)).tolist() == [True, False, False, False, True]


def test_pads_text():
    assert padding.pads_text(((0, 0), (0, 0))) == "0"
    assert padding.pads_text(((1, 1),)) == "1"
    assert padding.pads_text(((1, 0),)) == "left 1, right 0"
    assert padding.pads_text(((1, 0), (2, 2))) == "top 1, bottom 0, left 2, right 2"
