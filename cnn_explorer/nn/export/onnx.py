"""A Sequential as an ONNX graph (channels-first, NCHW), built with the ``onnx`` package's helpers.

The file runs in onnxruntime and opens in Netron. Its input ``image`` is float32
(N, C, H, W) scaled like ours ([0, 1] for uint8 images); its output ``output`` is (N, classes).
"""

from pathlib import Path

import numpy as np

from .layout import channels_first, nchw_steps

OPSET = 17
_ACTIVATIONS = {"relu": "Relu", "sigmoid": "Sigmoid", "tanh": "Tanh", "softmax": "Softmax"}


def _onnx():
    try:
        import onnx
    except ImportError:
        raise ValueError("ONNX export needs the onnx package: pip install onnx") from None
    return onnx


def onnx_model(model):
    """The ``onnx.ModelProto`` of ``model`` (a built Sequential); checked with onnx's checker.

    ValueError if the onnx package is missing or a layer kind cannot be exported.
    """
    onnx = _onnx()
    helper, numpy_helper = onnx.helper, onnx.numpy_helper
    nodes, initialisers = [], []
    current = "image"       # the tensor the next node reads

    def add(op, inputs, name, **attributes):
        nonlocal current
        nodes.append(helper.make_node(op, [current, *inputs], [name], name=name, **attributes))
        current = name

    def weight(name, array):
        initialisers.append(numpy_helper.from_array(np.asarray(array, np.float32), name))
        return name

    for step in nchw_steps(model):
        layer, w = step.layer, step.weights
        inputs = [weight(f"{layer.name}/{key}", w[key]) for key in
                  ("kernel", "bias", "gamma", "beta", "mean", "variance") if key in w]
        if step.kind == "Conv2D":
            add("Conv", inputs, layer.name, kernel_shape=list(layer.kernel_size),
                strides=list(layer.strides), pads=list(step.pads))
        elif step.kind in ("MaxPooling2D", "AveragePooling2D"):
            add("MaxPool" if step.kind == "MaxPooling2D" else "AveragePool", [], layer.name,
                kernel_shape=list(layer.pool_size), strides=list(layer.strides))
        elif step.kind == "Flatten":
            add("Flatten", [], layer.name, axis=1)
        elif step.kind == "Dense":
            add("Gemm", inputs, layer.name, transB=1)
        elif step.kind == "BatchNormalization":
            add("BatchNormalization", inputs, layer.name, epsilon=layer.epsilon)
        elif step.kind == "Dropout" or (step.kind == "Activation" and layer.activation == "linear"):
            add("Identity", [], layer.name)       # Dropout is the identity at inference
        if layer.activation in _ACTIVATIONS:
            op = _ACTIVATIONS[layer.activation]
            name = layer.name if step.kind in ("Activation", "ReLU", "Softmax") \
                else f"{layer.name}/{layer.activation}"
            add(op, [], name, **({"axis": 1} if op == "Softmax" else {}))  # channels / classes

    nodes[-1].output[0] = "output"      # nothing reads the last node: name it for the user
    float32 = onnx.TensorProto.FLOAT
    graph = helper.make_graph(
        nodes, model.name,
        [helper.make_tensor_value_info("image", float32, ["N", *channels_first(model.input_shape)])],
        [helper.make_tensor_value_info("output", float32,
                                       ["N", *channels_first(model.output_shape[1:])])],
        initialisers)
    proto = helper.make_model(graph, producer_name="cnn-explorer",
                              opset_imports=[helper.make_opsetid("", OPSET)])
    onnx.checker.check_model(proto)
    return proto


def save_onnx(model, path):
    """Write ``model`` as an ONNX file at ``path``; return the path."""
    path = Path(path)
    try:
        path.write_bytes(onnx_model(model).SerializeToString())
    except OSError as exc:
        raise ValueError(f"could not write {path}: {exc.strerror}") from None
    return path
