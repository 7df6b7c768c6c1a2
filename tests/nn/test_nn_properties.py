"""Property tests of the engine: fast paths against naive loops, and every public constructor,
setting and entry point a finite answer or a ValueError for anything it is given."""

import numpy as np
import pytest
from hypothesis import given, strategies as st

from cnn_explorer.nn import counts, functional as F, layers as L, metrics, optim
from cnn_explorer.nn.model import Sequential
from cnn_explorer.nn.training import TrainConfig, train_steps

junk = st.one_of(st.none(), st.booleans(), st.text(max_size=4), st.floats(),
                 st.integers(-2 ** 70, 2 ** 70), st.lists(st.integers(-3, 3), max_size=3),
                 st.just(np.array(2)), st.just(np.array([1.5, 2])), st.fractions(),
                 st.just(object()), st.just({"a": 1}))


def value_error_or_ok(call):
    try:
        return call()
    except ValueError as error:
        assert str(error)


@given(n=st.integers(1, 2), h=st.integers(3, 8), w=st.integers(3, 8), cin=st.integers(1, 3),
       k=st.integers(1, 3), stride=st.integers(1, 2), padding=st.sampled_from(["valid", "same"]),
       seed=st.integers(0, 2 ** 16))
def test_fast_conv_equals_the_naive_loop(n, h, w, cin, k, stride, padding, seed):
    rng = np.random.default_rng(seed)
    x, kern, bias = rng.normal(size=(n, h, w, cin)), rng.normal(size=(k, k, cin, 2)), rng.normal(size=2)
    y, _ = F.conv2d_forward(x, kern, bias, (stride, stride), padding)
    np.testing.assert_allclose(y, F.naive_conv2d(x, kern, bias, (stride, stride), padding),
                               atol=1e-12)


@given(h=st.integers(2, 9), w=st.integers(2, 9), p=st.integers(1, 3), s=st.integers(1, 3),
       seed=st.integers(0, 2 ** 16))
def test_fast_pooling_equals_the_naive_loop(h, w, p, s, seed):
    x = np.random.default_rng(seed).normal(size=(2, h, w, 2))
    if p > min(h, w):
        return
    y, _ = F.maxpool_forward(x, (p, p), (s, s))
    np.testing.assert_array_equal(y, F.naive_pool(x, (p, p), (s, s), "max"))
    np.testing.assert_allclose(F.avgpool_forward(x, (p, p), (s, s)),
                               F.naive_pool(x, (p, p), (s, s), "average"), atol=1e-12)


@given(junk, junk, junk)
def test_layer_constructors_take_anything(a, b, c):
    for call in (lambda: L.Conv2D(a, b, strides=c), lambda: L.Conv2D(2, 3, padding=a,
                                                                      activation=b, use_bias=c),
                 lambda: L.Dense(a, activation=b, use_bias=c), lambda: L.Dropout(a, name=b),
                 lambda: L.MaxPooling2D(a, strides=b), lambda: L.AveragePooling2D(a, name=c),
                 lambda: L.BatchNormalization(momentum=a, epsilon=b, name=c),
                 lambda: L.Activation(a), lambda: L.layer_from_config(a),
                 lambda: L.layer_from_config({"class_name": "Dense", "units": a, "name": b})):
        value_error_or_ok(call)


@given(junk, junk, junk)
def test_models_take_anything(a, b, c):
    model = Sequential([L.Flatten(), L.Dense(3, activation="softmax")], input_shape=(2, 2, 1))
    for call in (lambda: Sequential([L.Flatten()], input_shape=a, seed=b, dtype=c),
                 lambda: Sequential(a), lambda: Sequential.from_config(a),
                 lambda: model.predict(a, batch_size=b), lambda: model.predict(np.zeros((2, 2, 2)),
                                                                               batch_size=a),
                 lambda: model.evaluate(a, b, batch_size=c), lambda: model.set_weights(a),
                 lambda: model.loss_and_grads(a, b), lambda: model.activations(a),
                 lambda: model.check_labels(a, 2), lambda: model.prepare_input(a)):
        out = value_error_or_ok(call)
        if isinstance(out, np.ndarray) and out.dtype.kind == "f":
            assert np.isfinite(out).all()


@given(st.dictionaries(st.sampled_from(["batch_size", "optimizer", "learning_rate",
                                        "validation_split", "seed", "snapshot_every",
                                        "augment_shift", "threads"]), junk, max_size=3), junk)
def test_train_settings_take_anything(changes, data):
    model = Sequential([L.Flatten(), L.Dense(2, activation="softmax")], input_shape=(2, 2, 1))
    good = (np.zeros((4, 2, 2), np.uint8), np.array([0, 1, 0, 1]))
    for config, pair in ((TrainConfig(**{"epochs": 1, **changes}), good), (TrainConfig(epochs=1), data)):
        try:
            snaps = list(train_steps(model, pair, config))
        except ValueError as error:
            assert str(error)
        else:
            assert snaps[-1].done


@given(name=st.one_of(st.sampled_from(list(optim.OPTIMIZERS)), junk), rate=junk)
def test_optimizers_take_anything(name, rate):
    value_error_or_ok(lambda: optim.get(name, rate))
    value_error_or_ok(lambda: optim.get({"name": "adam", "learning_rate": rate}))


@given(true=st.lists(st.integers(0, 4), max_size=30), seed=st.integers(0, 99))
def test_confusion_counts_equal_a_loop(true, seed):
    predicted = np.random.default_rng(seed).integers(0, 5, len(true))
    counts_ = metrics.confusion_counts(true, predicted, 5)
    loop = np.zeros((5, 5), int)
    for t, p in zip(true, predicted):
        loop[t, p] += 1
    assert np.array_equal(counts_, loop)
    shares = metrics.row_shares(counts_)
    for t in range(5):
        row = loop[t].sum()
        assert np.allclose(shares[t], loop[t] / row if row else 0.0)


@given(junk, junk, junk)
def test_metrics_take_anything(a, b, c):
    value_error_or_ok(lambda: metrics.confusion_counts(a, b, c))
    value_error_or_ok(lambda: metrics.confusion_counts([0, 1], [1, 0], a))
    value_error_or_ok(lambda: metrics.predictions_of(a))
    value_error_or_ok(lambda: metrics.row_shares(a))


@given(layer=st.integers(-2, 3), row=st.integers(-2, 30), col=st.integers(-2, 30))
def test_receptive_field_matches_a_naive_loop(layer, row, col):
    specs = [{"type": "Conv2D", "kernel_size": 3, "strides": 1, "padding": "valid"},
             {"type": "MaxPooling2D", "pool_size": 2, "strides": 0}, {"type": "Flatten"}]
    shapes = [(None, 26, 26, 1), (None, 13, 13, 1), (None, 169)]
    try:
        top, bottom, left, right = counts.receptive_field(specs, shapes, (28, 28, 1), layer,
                                                          row, col)
    except ValueError:
        assert not (0 <= layer <= 1 and 0 <= row < shapes[layer][1] and 0 <= col < shapes[layer][2])
        return
    span = 3 if layer == 0 else 4
    start = (row, col) if layer == 0 else (2 * row, 2 * col)
    assert (top, bottom, left, right) == (start[0], start[0] + span - 1, start[1],
                                          start[1] + span - 1)
