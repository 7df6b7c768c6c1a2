"""The Channels page's state: checked once per image, and plans that reuse what an edit keeps."""

import dataclasses

import numpy as np
import pytest

from cnn_explorer.core import channel_state, channels
from cnn_explorer.core.channel_state import ChannelsState


def _state(**kw):
    image = np.random.default_rng(2).random((9, 11, 3))
    return ChannelsState("test", image, **kw)


def test_a_typed_weight_recomputes_one_slice_and_equals_fresh_plans():
    state = _state()
    state = state.with_added_filter(channels.RGB_PRESETS["luminance"][0])
    plans = channel_state.rgb_plans(state)
    edited = state.with_slice_value(1, 0, 2, 0.75)          # filter 2 (selected), green slice
    again = channel_state.rgb_plans(edited, (state, plans))
    fresh = channel_state.rgb_plans(edited)
    assert again[0] is plans[0]                              # filter 1 did not change
    assert again[1].plans[0][0] is plans[1].plans[0][0]      # nor did filter 2's red slice
    assert again[1].plans[0][1] is not plans[1].plans[0][1]
    for got, want in zip(again, fresh):
        np.testing.assert_array_equal(got.output, want.output)
    assert again[1].step(40).total == fresh[1].step(40).total


def test_a_new_filter_reuses_the_padded_planes_and_a_new_stride_does_not():
    state = _state()
    plans = channel_state.rgb_plans(state)
    added = state.with_added_filter(channels.RGB_PRESETS["luminance"][0])
    more = channel_state.rgb_plans(added, (state, plans))
    assert more[1].plans[0][2].padded is plans[0].plans[0][2].padded
    strided = channel_state.rgb_plans(_state(stride=2), (state, plans))
    assert strided[0].output.shape == (5, 6, 1)
    np.testing.assert_array_equal(strided[0].output,
                                  channel_state.rgb_plans(_state(stride=2))[0].output)


def test_an_edit_keeps_the_checked_image_and_a_bad_one_is_still_refused():
    state = _state()
    edited = state.with_bias(0.5)
    assert edited.image is state.image
    bad = np.random.default_rng(3).random((4, 4, 3))
    bad[1, 2, 0] = np.nan
    with pytest.raises(ValueError, match="only finite numbers"):
        ChannelsState("bad", bad)
    frozen_nan = bad.copy()
    frozen_nan.setflags(write=False)                         # read-only, but never checked
    with pytest.raises(ValueError, match="only finite numbers"):
        ChannelsState("bad", frozen_nan)
    with pytest.raises(ValueError, match="the input has 3"):     # the weights still are
        dataclasses.replace(state, weights=np.ones((3, 3, 2, 1)))
