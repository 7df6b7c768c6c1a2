"""Sequential: names, shape inference, Keras summary, weights, inference."""

import json

import numpy as np
import pytest

from cnn_explorer.nn.layers import (BatchNormalization, Conv2D, Dense, Dropout, Flatten,
                                    MaxPooling2D)
from cnn_explorer.nn.model import Sequential
from cnn_explorer.nn.guide_model import guide_convnet

GUIDE_SUMMARY = """\
Model: "sequential"
_________________________________________________________________
Layer (type)                 Output Shape              Param #   
=================================================================
conv2d (Conv2D)              (None, 26, 26, 32)        320       
_________________________________________________________________
max_pooling2d (MaxPooling2D) (None, 13, 13, 32)        0         
_________________________________________________________________
conv2d_1 (Conv2D)            (None, 11, 11, 64)        18496     
_________________________________________________________________
max_pooling2d_1 (MaxPooling2 (None, 5, 5, 64)          0         
_________________________________________________________________
flatten (Flatten)            (None, 1600)              0         
_________________________________________________________________
dropout (Dropout)            (None, 1600)              0         
_________________________________________________________________
dense (Dense)                (None, 10)                16010     
=================================================================
Total params: 34,826
Trainable params: 34,826
Non-trainable params: 0
_________________________________________________________________"""


def test_guide_summary_is_the_keras_table():
    model = guide_convnet()
    assert model.summary() == GUIDE_SUMMARY
    assert model.count_params() == 34826
    assert model.summary_rows()[1] == ("max_pooling2d", "MaxPooling2D", (None, 13, 13, 32), 0)
    assert [layer.output_shape for layer in model.layers][-1] == (None, 10)


def test_non_trainable_weights_are_counted_apart():
    model = Sequential([Conv2D(4, 3), BatchNormalization(), Flatten(), Dense(2)], (5, 5, 1))
    text = model.summary()
    assert "Total params: 130" in text
    assert "Trainable params: 122" in text and "Non-trainable params: 8" in text


def test_weights_are_glorot_uniform_and_in_keras_layout():
    model = guide_convnet(seed=1)
    shapes = [w.shape for w in model.get_weights()]
    assert shapes == [(3, 3, 1, 32), (32,), (3, 3, 32, 64), (64,), (1600, 10), (10,)]
    kernel = model.get_weights()[2]
    limit = np.sqrt(6 / (9 * 32 + 9 * 64))
    assert np.abs(kernel).max() <= limit and np.abs(kernel).max() > 0.95 * limit
    assert abs(kernel.std() - limit / np.sqrt(3)) < 0.01 * limit
    assert not model.get_weights()[1].any()
    assert guide_convnet(seed=1).get_weights()[0].tobytes() == model.get_weights()[0].tobytes()


@pytest.mark.parametrize("layers,shape,message", [
    ([Conv2D(2, 3), MaxPooling2D(2), Conv2D(2, 3), MaxPooling2D(2), Conv2D(2, 3)], (12, 12, 1),
     "conv2d_2: 3×3 kernel does not fit the 1×1 output of max_pooling2d_1"),
    ([Conv2D(2, 5)], (4, 4, 1), "conv2d: 5×5 kernel does not fit the 4×4 output of the input"),
    ([Flatten(), Conv2D(2, 3)], (8, 8, 1), "conv2d: a convolution needs images"),
    ([Conv2D(2, 3), Dense(3)], (8, 8, 1), "dense: a dense layer needs a flat vector, but conv2d "
                                          "outputs (6, 6, 2); add a Flatten layer"),
    ([MaxPooling2D(4)], (3, 3, 1), "max_pooling2d: 4×4 pool does not fit"),
    ([Dense(3, name="a"), Dense(3, name="a")], (4,), "layer names must be unique"),
    # sizes refused before anything is allocated (this one asked for 12 GiB as it was typed)
    ([Conv2D(512, 1, padding="same"), Flatten(), Dense(4096)], (28, 28, 1),
     "dense: a 401408 × 4096 kernel is 1,644,167,168 weights, more than the 64,000,000"),
    ([Conv2D(64, 3, padding="same")], (512, 512, 1),
     "conv2d: its output (512, 512, 64) is 16,777,216 values per image, more than the 4,000,000"),
    ([Dense(3)], (10 ** 6, 10 ** 6, 1), "input_shape must be positive sizes of at most 4,000,000"),
    ([Dense(3)], (0, 28, 1), "input_shape must be positive sizes"),
])
def test_impossible_architectures_name_the_layer(layers, shape, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Sequential(layers, input_shape=shape)


def test_the_error_says_which_layer_to_mark():
    with pytest.raises(ValueError) as info:
        Sequential([Conv2D(2, 3), MaxPooling2D(2), Conv2D(2, 3), MaxPooling2D(2), Conv2D(2, 3)],
                   input_shape=(12, 12, 1))
    assert info.value.layer_index == 4


@pytest.mark.parametrize("make,message", [
    (lambda: Conv2D(0, 3), "filters"), (lambda: Conv2D(2, 3, padding="full"), "padding"),
    (lambda: Dense(3, activation="gelu"), "unknown activation"), (lambda: Dropout(1.0), "rate"),
    (lambda: MaxPooling2D(0), "pool_size")])
def test_bad_layer_arguments(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_a_large_but_ordinary_student_model_still_builds():
    model = Sequential([Conv2D(32, 3), Conv2D(64, 3), Flatten(), Dense(1024)], (28, 28, 1))
    assert model.count_params() == 320 + 18_496 + 24 * 24 * 64 * 1024 + 1024


def test_only_float_models_and_real_weights():
    with pytest.raises(ValueError, match="float32 or float64, not object"):
        Sequential([Flatten(), Dense(2)], (2, 2, 1), dtype=object)
    with pytest.raises(ValueError, match="float32 or float64, not int8"):
        Sequential([Flatten(), Dense(2)], (2, 2, 1), dtype=np.int8)
    model = Sequential([Flatten(), Dense(2)], (2, 2, 1))
    before = model.get_weights()
    for bad in (np.ones((4, 2), complex), np.full((4, 2), "x"), np.ones((4, 2), object)):
        with pytest.raises(ValueError, match="dense: weight 0 must hold real numbers"):
            model.set_weights([bad, np.zeros(2)])
    assert all(np.array_equal(a, b) for a, b in zip(model.get_weights(), before))


def test_set_weights_checks_count_and_shapes():
    model = guide_convnet()
    weights = model.get_weights()
    with pytest.raises(ValueError, match="6 weight arrays, got 5"):
        model.set_weights(weights[:5])
    weights[2] = weights[2][:2]
    with pytest.raises(ValueError, match="conv2d_1: weight 0 must have shape"):
        model.set_weights(weights)


def test_predict_evaluate_and_activations(rng):
    model = guide_convnet()
    x = rng.integers(0, 256, size=(7, 28, 28), dtype=np.uint8)
    y = rng.integers(0, 10, size=7)
    probs = model.predict(x, batch_size=3)
    assert probs.shape == (7, 10) and probs.dtype == np.float32
    np.testing.assert_allclose(probs.sum(axis=1), 1, rtol=1e-5)
    loss, acc = model.evaluate(x, y, batch_size=4)
    assert np.isclose(loss, -np.log(probs[np.arange(7), y]).mean(), rtol=1e-4)
    assert acc == np.mean(probs.argmax(axis=1) == y)
    acts = model.activations(x[:2])
    assert [name for name, _ in acts] == [layer.name for layer in model.layers]
    assert [a.shape[1:] for _, a in acts] == [layer.output_shape[1:] for layer in model.layers]
    np.testing.assert_allclose(acts[-1][1], probs[:2], rtol=1e-5, atol=1e-7)
    # uint8 (N, H, W) and float (N, H, W, C) inputs agree
    np.testing.assert_allclose(model.predict(x[..., None] / 255.0), probs, rtol=1e-5, atol=1e-7)


def test_bad_inputs_and_labels_are_explained(rng):
    model = guide_convnet()
    with pytest.raises(ValueError, match=r"expects images of shape \(28, 28, 1\)"):
        model.predict(np.zeros((2, 32, 32)))
    with pytest.raises(ValueError, match=r"labels must lie in 0..9"):
        model.evaluate(np.zeros((2, 28, 28), np.uint8), np.array([0, 10]))


def test_config_round_trip_and_clone():
    model = Sequential([Conv2D(3, (3, 2), strides=(2, 1), padding="same", activation="tanh"),
                        BatchNormalization(momentum=0.9), MaxPooling2D(2, strides=1), Flatten(),
                        Dropout(0.25), Dense(4, activation="softmax", name="out")], (10, 9, 2))
    config = json.loads(json.dumps(model.get_config()))
    twin = Sequential.from_config(config)
    assert twin.summary() == model.summary()
    assert twin.get_config() == model.get_config()
    clone = model.clone()
    for a, b in zip(clone.get_weights(), model.get_weights()):
        np.testing.assert_array_equal(a, b)
    clone.weight_arrays()[0][...] = 0
    assert model.weight_arrays()[0].any()


def test_loss_and_grads_split_over_threads_equals_one_thread(rng):
    from concurrent.futures import ThreadPoolExecutor

    model = guide_convnet()
    x = model.prepare_input(rng.integers(0, 256, size=(9, 28, 28), dtype=np.uint8))
    y = rng.integers(0, 10, size=9)
    loss1, correct1, grads1 = model.batch_step(x, y, True, np.random.default_rng(1))
    with ThreadPoolExecutor(1) as pool:
        loss2, correct2, grads2 = model.batch_step(x, y, True, np.random.default_rng(1), pool)
    assert np.isclose(loss1, loss2, rtol=1e-5) and correct1 == correct2
    for g1, g2 in zip(grads1, grads2):
        np.testing.assert_allclose(g1, g2, rtol=1e-4, atol=1e-6)
