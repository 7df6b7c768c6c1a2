"""Explanations of a trained network against oracles: finite differences, hand-built models with a
known answer, brute force."""

import numpy as np
import pytest

from cnn_explorer.nn import explain
from cnn_explorer.nn.guide_model import guide_convnet
from cnn_explorer.nn.layers import Conv2D, Dense, Flatten, MaxPooling2D
from cnn_explorer.nn.model import Sequential

EPS = 1e-6


def _small(channels=1, softmax=True):
    layers = [Conv2D(2, 3, activation="relu"), MaxPooling2D(2), Flatten(),
              Dense(3, activation="softmax" if softmax else None)]
    return Sequential(layers, input_shape=(8, 8, channels), seed=3, dtype=np.float64)


def _logits(model, x):
    out, _, _ = model.backpropagate(x[None], np.zeros_like)
    return out[0]


@pytest.mark.parametrize("channels, softmax", [(1, True), (3, True), (1, False)])
def test_saliency_equals_finite_differences_of_the_logit(rng, channels, softmax):
    model = _small(channels, softmax)
    # jitter keeps max-pool windows free of ties and ReLU inputs off 0
    x = rng.uniform(0, 1, (8, 8, channels)) + rng.uniform(0, 1e-3, (8, 8, channels))
    grad, times_input = explain.saliency(model, x, 1)
    numeric = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[idx] += EPS
        down[idx] -= EPS
        numeric[idx] = (_logits(model, up)[1] - _logits(model, down)[1]) / (2 * EPS)
    assert np.abs(numeric).max() > 1e-3          # the check is not vacuous
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-10)
    np.testing.assert_allclose(times_input, grad * x)


def test_backpropagate_watches_a_layer_output_and_its_gradient(rng):
    model = _small()
    x = rng.uniform(0, 1, (2, 8, 8, 1))
    _, _, watched = model.backpropagate(x, lambda out: np.ones_like(out), watch=["conv2d"])
    maps, grads = watched["conv2d"]
    assert maps.shape == grads.shape == (2, 6, 6, 2)
    np.testing.assert_allclose(maps, model.activations(x)[0][1])
    with pytest.raises(ValueError, match="no layer"):
        model.backpropagate(x, np.ones_like, watch=["nope"])
    with pytest.raises(ValueError, match="before"):
        model.backpropagate(x, np.ones_like, layer="conv2d", watch=["dense"])
    with pytest.raises(ValueError, match="shape"):
        model.backpropagate(x, lambda out: np.ones(3))


def _left_half_model():
    """One filter that fires only where the image is bright; the class score counts its firing."""
    model = Sequential([Conv2D(1, 3, activation="relu"), Flatten(), Dense(2)],
                       input_shape=(12, 12, 1), dtype=np.float64)
    kernel, bias, dense, dense_bias = model.get_weights()
    model.set_weights([np.full_like(kernel, 1.0), np.full_like(bias, -4.5),
                       np.stack([np.ones(100), -np.ones(100)], axis=1), dense_bias])
    return model


def test_grad_cam_finds_the_left_half_where_the_filter_fires():
    model = _left_half_model()
    x = np.zeros((12, 12))
    x[:, :6] = 1.0                  # bright left half: the filter fires there only
    cam = explain.grad_cam(model, x, 0, "conv2d")
    assert cam.shape == (12, 12) and np.isfinite(cam).all()
    assert cam[:, :4].min() > 0
    assert np.all(cam[:, 8:] == 0)
    assert cam[:, :6].sum() > 10 * cam[:, 6:].sum()
    # class 1's score falls where the filter fires: nothing speaks for it
    assert np.all(explain.grad_cam(model, x, 1, "conv2d") == 0)


def test_occluding_an_empty_region_with_zeros_changes_nothing(rng):
    model = _small()
    x = np.zeros((8, 8))
    x[:, 5:] = rng.uniform(0.2, 1, (8, 3))          # content only in the last three columns
    drop = explain.occlusion(model, x, 2, size=3, stride=1, fill=0.0)
    assert drop.shape == (8, 8)
    # pixels of columns 0-2 are covered only by patches within columns 0-4: all empty
    assert np.all(drop[:, :3] == 0)
    assert np.abs(drop[:, 5:]).max() > 0


@pytest.fixture(scope="module")
def guide():
    return guide_convnet()


def test_activation_maximisation_raises_the_activation(guide):
    curves = [[a for _, a in explain.maximize_activation(guide, "conv2d_1", c, steps=40, seed=s)]
              for c, s in [(3, 0), (7, 1), (11, 2)]]
    mean = np.mean(curves, axis=0)
    slope = np.polyfit(np.arange(len(mean)), mean, 1)[0]
    assert slope > 0
    assert mean[-10:].mean() > 1.5 * mean[:5].mean()
    image, _ = next(explain.maximize_activation(guide, "conv2d", 0, steps=1))
    assert image.shape == (28, 28, 1) and image.min() >= 0 and image.max() <= 1


def test_activation_maximisation_stops_within_one_step(guide, monkeypatch):
    calls = []
    real = guide.backpropagate
    monkeypatch.setattr(guide, "backpropagate", lambda *a, **k: calls.append(1) or real(*a, **k))
    steps = explain.maximize_activation(guide, "conv2d", 0, steps=100)
    assert calls == []                      # nothing runs before the first step is asked for
    for i, _ in zip(range(3), steps):
        pass
    steps.close()
    assert len(calls) == 3
    assert next(steps, None) is None and len(calls) == 3


def test_top_images_agree_with_brute_force(guide, rng):
    images = rng.integers(0, 256, (40, 28, 28), dtype=np.uint8)
    indices, values, patches = explain.top_images(guide, "conv2d_1", 5, images, k=9)
    maps = np.stack([dict(guide.activations(img[None]))["conv2d_1"][0, ..., 5] for img in images])
    peaks = maps.reshape(len(images), -1).max(axis=1)
    expected = np.argsort(-peaks, kind="stable")[:9]
    np.testing.assert_array_equal(indices, expected)
    np.testing.assert_allclose(values, peaks[expected], rtol=1e-6)
    for index, (top, left, bottom, right) in zip(indices, patches):
        assert (bottom - top, right - left) == (8, 8)   # 3×3, pool 2, 3×3: an 8×8 field
        # the input pixels that move the peak lie inside the patch
        row, col = np.unravel_index(maps[index].argmax(), maps[index].shape)

        def at_peak(out, r=row, c=col):
            g = np.zeros_like(out)
            g[0, r, c, 5] = 1
            return g
        _, dx, _ = guide.backpropagate(images[index][None], at_peak, layer="conv2d_1")
        rows, cols = np.nonzero(dx[0, ..., 0])
        assert top <= rows.min() and rows.max() < bottom and left <= cols.min() \
            and cols.max() < right


def test_filter_weights_are_the_kernel_slices(guide):
    tiles = explain.filter_weights(guide, "conv2d_1", 4)
    assert tiles.shape == (32, 3, 3)
    np.testing.assert_array_equal(tiles[7], guide.layers[2].weights[0][:, :, 7, 4])


@pytest.mark.parametrize("call, message", [
    (lambda m: explain.saliency(m, np.zeros((27, 28)), 0), "shape"),
    (lambda m: explain.saliency(m, np.full((28, 28), np.nan), 0), "NaN"),
    (lambda m: explain.saliency(m, np.zeros((28, 28)), 10), "from 0 to 9"),
    (lambda m: explain.saliency(m, np.zeros((28, 28)), True), "whole number"),
    (lambda m: explain.grad_cam(m, np.zeros((28, 28)), 0, "dense"), "convolution"),
    (lambda m: explain.grad_cam(m, np.zeros((28, 28)), 0, "conv9"), "no layer"),
    (lambda m: explain.occlusion(m, np.zeros((28, 28)), 0, size=0), "patch"),
    (lambda m: explain.occlusion(m, np.zeros((28, 28)), 0, fill=np.inf), "fill"),
    (lambda m: explain.maximize_activation(m, "conv2d", 32), "from 0 to 31"),
    (lambda m: explain.maximize_activation(m, "flatten", 0), "convolution or a dense"),
    (lambda m: explain.maximize_activation(m, "conv2d", 0, steps=0), "steps"),
    (lambda m: explain.maximize_activation(m, "conv2d", 0, lr=np.nan), "step size"),
    (lambda m: explain.top_images(m, "conv2d", 0, np.zeros((0, 28, 28))), "batch of images"),
    (lambda m: explain.top_images(m, "conv2d", 0, np.zeros((3, 28, 28)), k=0), "k"),
])
def test_bad_input_is_a_value_error_saying_what_to_change(guide, call, message):
    with pytest.raises(ValueError, match=message):
        call(guide)


def test_the_page_choice_refuses_bad_values_and_fits_any_model(guide):
    from cnn_explorer.nn.explain.plan import ExplainChoice, fit_images, resolve

    for bad, message in [({"image_index": -1}, "image number"), ({"steps": 0}, "steps"),
                         ({"occlusion_fill": 2.0}, "fill"), ({"learning_rate": 0}, "step size")]:
        with pytest.raises(ValueError, match=message):
            ExplainChoice(**bad)
    small = Sequential([Conv2D(4, 3), Flatten(), Dense(3)], input_shape=(28, 28, 3))
    fitted = resolve(ExplainChoice(image_index=99, class_index=7, layer="conv2d_1", channel=20),
                     small, 10)
    assert (fitted.image_index, fitted.class_index, fitted.layer, fitted.channel) == \
        (9, None, "conv2d", 3)
    assert resolve(ExplainChoice(), guide, 5).layer == "conv2d_1"      # the last conv layer
    grey = np.zeros((2, 28, 28), np.uint8)
    assert fit_images(grey, (28, 28, 3)).shape == (2, 28, 28, 3)
    with pytest.raises(ValueError, match="32×32"):
        fit_images(grey, (32, 32, 1))
