"""Model export: ONNX runs in onnxruntime with our predictions; Keras/PyTorch scripts name it all."""

import ast

import numpy as np
import pytest

from cnn_explorer.nn.export.keras_code import keras_script, save_keras_script
from cnn_explorer.nn.export.layout import named_weights, nchw_steps
from cnn_explorer.nn.export.torch_code import save_torch_script, torch_script
from cnn_explorer.nn.guide_model import guide_convnet
from cnn_explorer.nn.layers import (Activation, AveragePooling2D, BatchNormalization, Conv2D,
                                    Dense, Dropout, Flatten, MaxPooling2D, ReLU, Softmax)
from cnn_explorer.nn.model import Sequential


def every_layer_kind():
    """One of each layer kind, "same" padding with the extra pixel, strides, BN in 4-D and 1-D."""
    return Sequential([
        Conv2D(4, (3, 2), strides=(2, 1), padding="same", activation="tanh"),
        BatchNormalization(),
        MaxPooling2D(2),
        Conv2D(5, 3, padding="same", use_bias=False),
        AveragePooling2D((2, 2), strides=(1, 1)),
        Activation("sigmoid"),
        ReLU(),
        Flatten(),
        BatchNormalization(),
        Dropout(0.3),
        Dense(7, activation="relu"),
        Activation("linear"),
        Dense(4),
        Softmax(),
    ], input_shape=(13, 11, 2), seed=3)


def randomised(model, rng):
    """Weights far from their initial values (biases and BN statistics too), so a layout slip
    shows; kernels scaled by their fan-in, as a trained model's, so float32 logits stay small."""
    for layer in model.layers:
        for w in layer.weights:
            fan_in = int(np.prod(w.shape[:-1])) if w.ndim > 1 else 25
            w[...] = rng.normal(0, 1 / np.sqrt(fan_in), w.shape)
        if isinstance(layer, BatchNormalization):
            layer.weights[3][...] = rng.uniform(0.5, 2.0, layer.weights[3].shape)
    return model


MODELS = {"guide": guide_convnet, "every layer kind": every_layer_kind}


@pytest.mark.parametrize("name", MODELS)
def test_onnx_predictions_equal_ours_in_onnxruntime(name, rng, tmp_path):
    ort = pytest.importorskip("onnxruntime")
    pytest.importorskip("onnx")
    from cnn_explorer.nn.export.onnx import save_onnx

    model = randomised(MODELS[name](), rng)
    path = save_onnx(model, tmp_path / "model.onnx")
    images = rng.random((100, *model.input_shape)).astype(np.float32)
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    assert [i.name for i in session.get_inputs()] == ["image"]
    theirs = session.run(["output"], {"image": images.transpose(0, 3, 1, 2)})[0]
    np.testing.assert_allclose(theirs, model.predict(images), atol=1e-5, rtol=0)


def test_onnx_graph_is_channels_first_with_torch_layout_kernels(tmp_path):
    onnx = pytest.importorskip("onnx")
    from cnn_explorer.nn.export.onnx import onnx_model

    proto = onnx_model(guide_convnet())
    dims = [d.dim_value or d.dim_param for d in proto.graph.input[0].type.tensor_type.shape.dim]
    assert dims == ["N", 1, 28, 28]
    shapes = {t.name: tuple(t.dims) for t in proto.graph.initializer}
    assert shapes["conv2d/kernel"] == (32, 1, 3, 3)
    assert shapes["conv2d_1/kernel"] == (64, 32, 3, 3)
    assert shapes["dense/kernel"] == (10, 1600)
    assert [n.op_type for n in proto.graph.node] == [
        "Conv", "Relu", "MaxPool", "Conv", "Relu", "MaxPool", "Flatten", "Identity", "Gemm",
        "Softmax"]
    assert onnx.checker.check_model(proto) is None


def test_dense_after_flatten_reads_channels_first_pixels(rng):
    # the first Dense kernel's rows move from (h, w, c) to (c, h, w) order: same products
    model = randomised(guide_convnet(), rng)
    x = rng.random((1600,)).astype(np.float32)        # one flattened (5, 5, 64) map, hwc order
    x_chw = x.reshape(5, 5, 64).transpose(2, 0, 1).ravel()
    dense = nchw_steps(model)[-1]
    np.testing.assert_allclose(dense.weights["kernel"] @ x_chw, x @ model.layers[-1].weights[0],
                               rtol=1e-5, atol=1e-5)


def _layer_calls(tree):
    """The text of every ``layers.X(...)``/``keras.X(...)`` call inside the script's list."""
    return [ast.unparse(node) for node in ast.walk(tree) if isinstance(node, ast.Call)
            and ast.unparse(node.func) != "keras.Sequential"]


@pytest.mark.parametrize("name", MODELS)
def test_keras_script_parses_and_names_every_layer(name):
    model = MODELS[name]()
    text = keras_script(model)
    calls = _layer_calls(ast.parse(text))
    for layer in model.layers:
        mine = [c for c in calls if f"name={layer.name!r}" in c]
        assert len(mine) == 1, layer.name
        assert mine[0].startswith(f"layers.{type(layer).__name__}(")
        for key, value in layer.get_config().items():
            if key not in ("class_name", "name"):
                shown = tuple(value) if isinstance(value, list) else value
                assert f"{shown!r}" in mine[0], (layer.name, key)
        line = next(li for li in text.splitlines() if f"name={layer.name!r}" in li)
        for weight, array in named_weights(layer).items():
            assert f"{weight} {tuple(array.shape)}" in line
    assert f"keras.Input(shape={model.input_shape})" in calls


@pytest.mark.parametrize("name", MODELS)
def test_torch_script_parses_and_names_every_layer(name):
    model = MODELS[name]()
    text = torch_script(model)
    ast.parse(text)
    lines = {li.split("'")[1]: li for li in text.splitlines() if li.startswith("    ('")}
    for step in nchw_steps(model):
        layer = step.layer
        assert layer.name in lines, layer.name
        for key, array in step.weights.items():
            assert f"{array.shape}" in lines[layer.name]
    assert "nn.Conv2d(1, 32, kernel_size=(3, 3), stride=(1, 1), bias=True)" in \
        torch_script(guide_convnet())
    assert "nn.Linear(1600, 10, bias=True)),  # weight (10, 1600), bias (10,)" in \
        torch_script(guide_convnet())


def test_torch_script_pads_same_convolutions_like_tensorflow():
    text = torch_script(every_layer_kind())
    # 13 rows, kernel 3, stride 2: 2 rows of padding, one before and one after; 11 columns,
    # kernel 2, stride 1: one column, after (TensorFlow puts the odd pixel after)
    assert "('conv2d_pad', nn.ZeroPad2d((0, 1, 1, 1)))" in text
    assert "nn.BatchNorm2d(4, eps=0.001, momentum=0.01)" in text
    assert "nn.BatchNorm1d(" in text


def test_saved_scripts_write_their_weights_beside_them(tmp_path, rng):
    model = randomised(guide_convnet(), rng)
    script, weights = save_keras_script(model, tmp_path / "guide_keras.py")
    assert weights.name == "guide_keras_weights.npz"
    with np.load(weights) as saved:
        np.testing.assert_array_equal(saved["conv2d/0"], model.layers[0].weights[0])
    assert "'guide_keras_weights.npz'" in script.read_text()
    script, weights = save_torch_script(model, tmp_path / "guide_torch.py")
    with np.load(weights) as saved:
        assert saved["conv2d.weight"].shape == (32, 1, 3, 3)
        assert saved["dense.weight"].shape == (10, 1600)
    ast.parse(script.read_text())


def test_an_unwritable_place_is_a_value_error(tmp_path):
    with pytest.raises(ValueError, match="could not write"):
        save_keras_script(guide_convnet(), tmp_path / "missing" / "model.py")


def test_an_onnx_file_that_cannot_be_written_is_a_value_error(tmp_path):
    pytest.importorskip("onnx")
    from cnn_explorer.nn.export.onnx import save_onnx

    with pytest.raises(ValueError, match="could not write .*missing"):
        save_onnx(MODELS[next(iter(MODELS))](), tmp_path / "missing" / "model.onnx")
