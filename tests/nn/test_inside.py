"""Inside a trained layer: the maps equal the engine's own forward pass for the chosen image."""

import numpy as np
import pytest

from cnn_explorer.nn import functional as F
from cnn_explorer.nn import layers
from cnn_explorer.nn.guide_model import guide_convnet
from cnn_explorer.nn.inside import conv_layers, look_inside
from cnn_explorer.nn.model import Sequential


@pytest.fixture(scope="module")
def trained():
    """The guide's model with its weights (biases too) moved off their start, as training does."""
    rng = np.random.default_rng(5)
    model = guide_convnet()
    model.set_weights([w + rng.normal(0, 0.05, w.shape) for w in model.get_weights()])
    return model, rng.integers(0, 256, (64, 28, 28), dtype=np.uint8)


def test_twenty_random_picks_equal_the_engine(trained):
    model, images = trained
    rng = np.random.default_rng(11)
    convs = conv_layers(model)
    assert len(convs) >= 2
    for _ in range(20):
        index = int(rng.choice(convs))
        layer = model.layers[index]
        f, n = int(rng.integers(layer.filters)), int(rng.integers(len(images)))
        view = look_inside(model, images[n], index, f)
        engine = [out[0] for _, out in model.activations(images[n:n + 1])]
        # the layer's input and its outputs are the engine's arrays, bit for bit
        want_input = model.prepare_input(images[n:n + 1])[0] if index == 0 else engine[index - 1]
        np.testing.assert_array_equal(view.inputs, want_input)
        z = F.conv2d_forward(want_input[None], layer.weights[0], layer.bias, layer.strides,
                             layer.padding)[0][0, ..., f]
        np.testing.assert_array_equal(view.summed, z)
        np.testing.assert_array_equal(view.activated, engine[index][..., f])
        if view.pooled is not None:
            np.testing.assert_array_equal(view.pooled, engine[index + 1][..., f])
        # the trace's per-channel partial sums add up to the engine's value (float32 rounding)
        partials = view.plan.partial_maps(0)
        np.testing.assert_allclose(partials.sum(axis=-1) + view.bias, z, rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(view.plan.output[..., 0], z, rtol=1e-5, atol=1e-5)
        step = view.plan.step(int(rng.integers(view.plan.n_steps)))
        assert step.total == view.plan.output.reshape(-1)[step.n]
        assert len(step.slices) == layer.weights[0].shape[2]


def test_first_layer_of_the_guide_model_is_followed_by_pooling(trained):
    model, images = trained
    view = look_inside(model, images[0], 0, 3)
    assert view.activation == "relu" and view.pool_name is not None
    assert view.inputs.shape == (28, 28, 1) and view.summed.shape == (26, 26)
    assert view.pooled.shape == (13, 13)
    np.testing.assert_array_equal(view.activated, np.maximum(view.summed, 0))


def test_same_padding_stride_two_and_a_separate_relu_on_colour_input():
    model = Sequential([layers.Conv2D(3, 4, strides=2, padding="same"), layers.ReLU(),
                        layers.Flatten(), layers.Dense(2)], input_shape=(9, 9, 3), seed=1)
    x = np.random.default_rng(2).integers(0, 256, (9, 9, 3), dtype=np.uint8)
    view = look_inside(model, x, 0, 2)
    assert view.activation == "relu" and view.pool_name is None
    engine = [out[0] for _, out in model.activations(x[None])]
    np.testing.assert_array_equal(view.activated, engine[1][..., 2])
    np.testing.assert_allclose(view.plan.output[..., 0], view.summed, rtol=1e-5, atol=1e-5)


def test_wrong_picks_say_why(trained):
    model, images = trained
    with pytest.raises(ValueError, match="not a convolution layer"):
        look_inside(model, images[0], 1, 0)
    with pytest.raises(ValueError, match="there is no filter 33"):
        look_inside(model, images[0], 0, 32)
    with pytest.raises(ValueError, match="expects images of shape"):
        look_inside(model, np.zeros((5, 5), np.uint8), 0, 0)
