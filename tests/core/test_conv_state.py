"""ConvState: one frozen, checked value per convolution page, and the plan made from it."""

import dataclasses

import numpy as np
import pytest

from cnn_explorer.core import ops
from cnn_explorer.core.conv_state import ConvState, conv_plan


def test_a_state_is_normalised_frozen_and_compared_by_value():
    state = ConvState([0, 1, 2, 3], [-1, 1], padding="SAME", stride=1)
    assert state.ndim == 1 and state.anchor == (0,) and state.padding == "same"
    assert state.stride == (1,) and state.dilation == (1,) and state.flip is False
    assert not state.data.flags.writeable
    same = ConvState(np.array([0.0, 1, 2, 3]), (-1.0, 1.0), (0,), "same")
    assert same == state and same is not state
    assert dataclasses.replace(state, kernel=[-1, 2]) != state
    with pytest.raises(dataclasses.FrozenInstanceError):
        state.stride = (2,)


def test_replace_keeps_the_arrays_without_copying_them():
    state = ConvState(np.zeros((512, 512)), np.ones((3, 3)), padding="same")
    edited = dataclasses.replace(state, kernel=np.eye(3))
    assert edited.data is state.data


@pytest.mark.parametrize("changes, message", [
    ({"kernel": [[1, np.nan]]}, "the kernel contains nan"),
    ({"stride": 0}, "stride must be at least 1"),
    ({"anchor": (5, 0)}, "anchor 5 is outside a kernel of 2 elements"),
    ({"padding": "half"}, "unknown padding 'half'"),
    ({"pad_mode": "reflect", "padding": (3, 3, 0, 0)}, "reflect padding 3 is too large"),
    ({"kernel": np.ones((5, 5))}, "does not fit"),
    ({"flip": "no"}, "flip must be True or False"),
])
def test_a_bad_state_is_refused_with_the_cores_message(changes, message):
    state = ConvState(np.ones((3, 3)), np.ones((2, 2)))
    with pytest.raises(ValueError, match=message):
        dataclasses.replace(state, **changes)


def test_explicit_pads_are_kept_as_pairs_and_round_trip():
    state = ConvState(np.ones((4, 4)), np.ones((3, 3)), padding=(1, 0, 2, 3))
    assert state.padding == ((1, 0), (2, 3))
    assert dataclasses.replace(state) == state


def test_the_plan_is_the_cores_convolution():
    rng = np.random.default_rng(0)
    x, k = rng.random((6, 7)), rng.random((3, 2))
    state = ConvState(x, k, anchor=(2, 0), padding="same", pad_mode="replicate", stride=(1, 2),
                      dilation=(1, 2), flip=True)
    plan = conv_plan(state)
    np.testing.assert_array_equal(plan.output, ops.conv2d(
        x, k, anchor=(2, 0), padding="same", pad_mode="replicate", stride=(1, 2),
        dilation=(1, 2), flip=True))
    assert plan.anchor == (2, 0)


def test_a_resized_kernel_gets_the_middle_as_its_centre_and_an_edit_keeps_it():
    state = ConvState(np.ones(7), [-1, 1], anchor=1, padding="same")
    assert state.anchor_for([5, 1]) == (1,)
    assert state.anchor_for([1, 2, 3]) is None


def test_a_kernel_edit_pads_the_same_input_once_and_plans_it_exactly():
    import dataclasses

    from cnn_explorer.core import ops
    from cnn_explorer.core.conv_state import ConvState, conv_plan

    rng = np.random.default_rng(3)
    first = ConvState(rng.random((9, 7)), np.ones((3, 3)), None, "same")
    second = dataclasses.replace(first, kernel=rng.random((3, 3)))
    third = dataclasses.replace(second, kernel=rng.random((3, 3)))
    assert third._setup.padded is second._setup.padded          # padded once for both
    assert not third._setup.padded.flags.writeable
    other = dataclasses.replace(third, pad_mode="reflect")       # other pads: padded anew
    assert other._setup.padded is not third._setup.padded
    for state in (second, third, other):
        np.testing.assert_array_equal(conv_plan(state).output, ops.conv2d(
            state.data, state.kernel, padding="same", pad_mode=state.pad_mode))
