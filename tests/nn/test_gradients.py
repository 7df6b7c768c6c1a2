"""Every layer's gradients against central finite differences, in float64."""

import numpy as np
import pytest

from cnn_explorer.nn.layers import (Activation, AveragePooling2D, BatchNormalization, Conv2D, Dense,
                                    Dropout, Flatten, MaxPooling2D, ReLU, Softmax)
from cnn_explorer.nn.model import Sequential

EPS = 1e-6


def _numeric_grad(f, array, indices):
    grads = []
    for idx in indices:
        old = array[idx]
        array[idx] = old + EPS
        up = f()
        array[idx] = old - EPS
        down = f()
        array[idx] = old
        grads.append((up - down) / (2 * EPS))
    return np.array(grads)


def _sample(shape, rng, count=12):
    flat = rng.choice(int(np.prod(shape)), size=min(count, int(np.prod(shape))), replace=False)
    return [np.unravel_index(i, shape) for i in flat]


def _check(model, x, y, rng, training=False):
    loss = lambda: model.loss_and_grads(x, y, training=training)[0]  # noqa: E731
    _, grads = model.loss_and_grads(x, y, training=training)
    weights = model.weight_arrays()
    for layer_w, trainable, g in zip(weights, model.trainable_mask(), grads):
        if not trainable:
            continue
        indices = _sample(layer_w.shape, rng)
        numeric = _numeric_grad(loss, layer_w, indices)
        analytic = np.array([g[i] for i in indices])
        np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-8)


def _data(rng, shape, classes=3, n=4):
    # jitter keeps max-pool windows free of exact ties
    x = rng.integers(0, 256, size=(n,) + shape) / 255 + rng.uniform(0, 1e-3, (n,) + shape)
    return x, rng.integers(0, classes, size=n)


MODELS = {
    "conv-valid-maxpool": lambda: [Conv2D(3, 3, activation="relu"), MaxPooling2D(2), Flatten(),
                                   Dense(3, activation="softmax")],
    "conv-same-stride2-tanh": lambda: [Conv2D(2, (3, 2), strides=2, padding="same",
                                              activation="tanh"), Flatten(), Dense(3),
                                       Softmax()],
    "conv-sigmoid-avgpool": lambda: [Conv2D(2, 2, activation="sigmoid", use_bias=False),
                                     AveragePooling2D(3, strides=2), Flatten(),
                                     Dense(3, activation="softmax")],
    "overlapping-maxpool-relu-layer": lambda: [Conv2D(2, 3), ReLU(), MaxPooling2D(3, strides=1),
                                               Flatten(), Dense(3), Activation("softmax")],
    "dense-stack": lambda: [Flatten(), Dense(5, activation="relu"), Dense(4, activation="tanh"),
                            Dense(3, activation="sigmoid")],
    "inner-softmax": lambda: [Flatten(), Dense(4, activation="softmax"), Dense(3, activation="softmax")],
    "fused-twice": lambda: [Conv2D(3, 3, activation="relu"), MaxPooling2D(2),
                            Conv2D(2, 2, activation="relu", padding="same"), MaxPooling2D(2),
                            Flatten(), Dense(3, activation="softmax")],
}


@pytest.mark.parametrize("name", sorted(MODELS))
def test_gradients_match_finite_differences(rng, name):
    model = Sequential(MODELS[name](), input_shape=(9, 9, 2), seed=3, dtype=np.float64)
    x, y = _data(rng, (9, 9, 2))
    _check(model, x, y, rng)


def test_dropout_gradient_with_its_training_mask(rng):
    model = Sequential([Flatten(), Dropout(0.4), Dense(3, activation="softmax")],
                       input_shape=(4, 4, 1), dtype=np.float64)
    x, y = _data(rng, (4, 4, 1))
    _check(model, x, y, rng, training=True)
    # and the mask really drops: training loss differs from inference loss
    assert model.loss_and_grads(x, y, training=True)[0] != model.loss_and_grads(x, y)[0]


@pytest.mark.parametrize("training", [True, False])
def test_batch_normalization_gradient(rng, training):
    model = Sequential([Conv2D(3, 3), BatchNormalization(), ReLU(), Flatten(),
                        Dense(3, activation="softmax")], input_shape=(6, 6, 1), dtype=np.float64)
    bn = model.layers[1]
    bn.weights[0][:] = rng.uniform(0.5, 1.5, 3)
    bn.weights[2][:] = rng.normal(size=3) * 0.1
    x, y = _data(rng, (6, 6, 1), n=5)
    if training:
        moving = bn.weights[2].copy()
        _check(model, x, y, rng, training=True)
        assert not np.array_equal(moving, bn.weights[2])  # the moving statistics moved
    else:
        _check(model, x, y, rng)


def test_gradients_flow_through_two_fused_blocks_of_the_guide_pattern(rng):
    layers = [Conv2D(4, 3, activation="relu"), MaxPooling2D(2), Conv2D(4, 3, activation="relu"),
              MaxPooling2D(2), Flatten(), Dense(3, activation="softmax")]
    model = Sequential(layers, input_shape=(14, 14, 1), dtype=np.float64, seed=5)
    x, y = _data(rng, (14, 14, 1))
    _check(model, x, y, rng)
