"""The learn-a-kernel loop: Sobel x found again, divergence caught and explained, data that
cannot pin a kernel down."""

import numpy as np
import pytest

from cnn_explorer.core import grad, kernels
from cnn_explorer.nn.learn import KernelLearner, LearnSettings, rank_text, short_number

EDGE = kernels.GUIDE_EDGE_IMAGE
SOBEL_X = kernels.PRESETS["sobel x"].values
#: Iterations allowed to find Sobel x from zeros (momentum 0.9, lr 0.1, full zero padding: 124).
MAX_ITERATIONS = 200


def _settings(**kw):
    return LearnSettings(EDGE, "guide's vertical edge", **kw)


def test_sobel_x_is_learned_from_zeros_on_the_guides_edge_image():
    learner = KernelLearner(_settings())
    assert np.array_equal(learner.kernels[0], np.zeros((3, 3)))
    taken = 0
    while learner.distance() > 1e-3 and taken < MAX_ITERATIONS:
        assert learner.step() is not None
        taken += 1
    assert np.max(np.abs(learner.kernels[0] - SOBEL_X)) <= 1e-3, taken
    assert learner.losses[-1] < 1e-5 * learner.losses[0]
    assert learner.rank() == 9


@pytest.mark.parametrize("optimiser, rate", [("SGD", 0.5), ("Adam", 0.1)])
def test_every_optimiser_finds_the_target(optimiser, rate):
    learner = KernelLearner(_settings(optimiser=optimiser, learning_rate=rate))
    learner.run(1000)
    assert not learner.diverged and learner.distance() <= 1e-3


def test_one_iteration_is_the_gradient_step_written_out():
    learner = KernelLearner(_settings(optimiser="SGD", learning_rate=0.25, start="random"))
    it = learner.peek()
    y, t = it.outputs[0], it.targets[0]
    np.testing.assert_array_equal(it.errors[0], 2 * (y - t) / y.size)
    np.testing.assert_array_equal(
        it.grads[0], grad.conv2d_grads(EDGE, it.kernels[0], it.errors[0], padding="full").dk)
    np.testing.assert_allclose(it.new_kernels[0], it.kernels[0] - 0.25 * it.grads[0])
    assert it.loss == pytest.approx(np.mean((y - t) ** 2))
    assert learner.iteration == 0                      # peeking takes no step
    learner.step()
    np.testing.assert_array_equal(learner.kernels[0], it.new_kernels[0])
    assert learner.iteration == 1 and learner.losses[1] < learner.losses[0]


def test_a_diverging_rate_is_explained_and_the_last_finite_kernel_kept():
    learner = KernelLearner(_settings(optimiser="SGD", learning_rate=0.6, padding="same"))
    kept = []
    while learner.step() is not None:
        kept.append(learner.kernels[0].copy())
        assert learner.iteration < 100
    assert learner.diverged.startswith("loss grew from 1.1 to ")
    assert learner.diverged.endswith("try a learning rate below 0.3")   # 2/λmax = 0.399
    np.testing.assert_array_equal(learner.kernels[0], kept[-1])
    assert np.isfinite(learner.kernels[0]).all()
    assert learner.step() is None and learner.iteration == len(kept)


def test_an_overflow_is_caught_as_divergence():
    learner = KernelLearner(_settings(optimiser="SGD", learning_rate=1e200, start="sobel y"))
    assert learner.step() is None
    assert "learning rate below" in learner.diverged
    np.testing.assert_array_equal(learner.kernels[0], kernels.PRESETS["sobel y"].values)


def test_a_flat_image_cannot_tell_kernels_apart():
    flat = LearnSettings(np.full((6, 6), 0.5), "flat grey", padding="valid")
    learner = KernelLearner(flat)
    learner.run(300)
    assert learner.rank() == 1            # only the kernel's sum reaches the output
    assert learner.losses[-1] < 1e-12     # the output is matched ...
    assert learner.distance() > 1.5       # ... by a kernel far from Sobel x
    np.testing.assert_allclose(learner.kernels[0].sum(), SOBEL_X.sum(), atol=1e-6)
    # the guide's image, whose rows are all alike, pins down only the kernel's column sums
    assert KernelLearner(_settings(padding="valid")).rank() == 3
    # with a zero border both are learnable: the border pins down what the inside cannot
    learner = KernelLearner(_settings())
    assert (learner.rank(), learner.inside_rank()) == (9, 3)
    text = rank_text(learner.rank(), 9, learner.inside_rank())
    assert text.startswith("Inside the image only 3 of the kernel's 9 numbers")
    assert rank_text(1, 9, 1).startswith("This input pins down only 1 of the kernel's 9 numbers")
    assert rank_text(9, 9, 9).startswith("This input pins down all 9")


def test_each_kernel_is_measured_against_its_own_target():
    learner = KernelLearner(_settings(targets=("sobel x", "sobel y"), start="zeros"))
    expected = [float(np.abs(kernels.PRESETS[name].values).max()) for name in ("sobel x", "sobel y")]
    assert learner.kernel_distances() == expected and learner.distance() == max(expected)


def test_several_kernels_learn_their_own_targets():
    learner = KernelLearner(_settings(targets=("sobel x", "sobel y", "laplacian 4")))
    learner.run(1000)
    for k, name in zip(learner.kernels, ("sobel x", "sobel y", "laplacian 4")):
        np.testing.assert_allclose(k, kernels.PRESETS[name].values, atol=1e-3)


@pytest.mark.parametrize("bad, message", [
    (dict(targets=()), "at least one target"),
    (dict(targets=("sobel x", "gaussian 5×5")), "one shape"),
    (dict(targets=("nope",)), "unknown 2D kernel"),
    (dict(start="gaussian 5×5"), "start"),
    (dict(optimiser="rmsprop"), "unknown optimiser"),
    (dict(learning_rate=0), "positive"),
    (dict(learning_rate=float("nan")), "positive"),
    (dict(padding="huge"), "padding"),
    (dict(pad_mode="mirror"), "pad mode"),
])
def test_bad_settings_are_refused_with_a_reason(bad, message):
    with pytest.raises(ValueError, match=message):
        _settings(**bad)


def test_settings_compare_by_value_and_keep_a_read_only_image():
    a, b = _settings(), _settings()
    assert a == b and a != _settings(learning_rate=0.2)
    assert not a.image.flags.writeable
    with pytest.raises(ValueError, match="at most 64"):
        LearnSettings(np.zeros((65, 3)), "big")


@pytest.mark.parametrize("value, text", [(0.4, "0.4"), (3e8, "3e8"), (291.0, "290"), (12345.0, "1.2e4"),
                                         (2.5e-5, "2.5e-5"), (0.1, "0.1"), (float("inf"), "∞")])
def test_short_numbers(value, text):
    assert short_number(value) == text
