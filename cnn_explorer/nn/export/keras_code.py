"""A Keras script that rebuilds a Sequential and loads its trained weights.

Our layers follow Keras's names, arguments, weight order and (N, H, W, C) layout, so the script
is the model written in Keras and the weights load unchanged.
"""

from .layout import SUPPORTED, keras_weight_arrays, named_weights
from .script_files import shapes_text, weights_file_for, write_script


def _arguments(layer):
    kind = type(layer).__name__
    if kind == "Conv2D":
        args = [f"{layer.filters}", f"kernel_size={layer.kernel_size}", f"strides={layer.strides}",
                f"padding={layer.padding!r}", f"use_bias={layer.use_bias}"]
    elif kind in ("MaxPooling2D", "AveragePooling2D"):
        args = [f"pool_size={layer.pool_size}", f"strides={layer.strides}"]
    elif kind == "Dropout":
        args = [f"{layer.rate}"]
    elif kind == "Dense":
        args = [f"{layer.units}", f"use_bias={layer.use_bias}"]
    elif kind == "BatchNormalization":
        args = [f"momentum={layer.momentum}", f"epsilon={layer.epsilon}"]
    elif kind == "Activation":
        args = [f"{layer.activation!r}"]
    elif kind in SUPPORTED:         # Flatten, ReLU, Softmax: no hyper-parameters
        args = []
    else:
        raise ValueError(f"{layer.name}: a {kind} layer cannot be written as Keras code yet")
    if kind in ("Conv2D", "Dense"):
        args.append(f"activation={layer.activation!r}")
    return ", ".join(args + [f"name={layer.name!r}"])


def keras_script(model, weights_file="model_weights.npz"):
    """The text of a Python script that rebuilds ``model`` in Keras and loads ``weights_file``
    (written by :func:`save_keras_script`); one line per layer, its weight shapes in a comment."""
    lines = [f"layers.{type(layer).__name__}({_arguments(layer)}),  # "
             + shapes_text(named_weights(layer))
             for layer in model.layers]
    body = "\n".join(f"    {line}" for line in lines)
    return f'''"""{model.name}, rebuilt in Keras from CNN Explorer; loads the trained weights.

Run it beside {weights_file}: python this_script.py (needs keras and numpy).
Images are (N, height, width, channels) floats in [0, 1], as in CNN Explorer.
"""

from pathlib import Path

import keras
import numpy as np
from keras import layers

model = keras.Sequential([
    keras.Input(shape={tuple(model.input_shape)}),
{body}
], name={model.name!r})

# each layer's weights in Keras's order: "<layer name>/<index>"
weights = np.load(Path(__file__).with_name({weights_file!r}))
for layer in model.layers:
    layer.set_weights([weights[f"{{layer.name}}/{{i}}"] for i in range(len(layer.weights))])

if __name__ == "__main__":
    model.summary()
'''


def save_keras_script(model, path):
    """Write the Keras script at ``path`` and its weights beside it; return both paths."""
    text = keras_script(model, weights_file_for(path).name)
    return write_script(path, text, keras_weight_arrays(model))
