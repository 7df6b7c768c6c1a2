"""A PyTorch script that rebuilds a Sequential and loads its trained weights.

PyTorch holds images channels-first, (N, C, H, W): the weights are written in that layout (see
``layout.py``) under the script's state-dict keys, and TensorFlow's "same" padding (the extra
pixel after) becomes an explicit ``ZeroPad2d`` in front of the convolution.
"""

import numpy as np

from .layout import channels_first, nchw_steps
from .script_files import shapes_text, weights_file_for, write_script

_ACTIVATIONS = {"relu": "nn.ReLU()", "sigmoid": "nn.Sigmoid()", "tanh": "nn.Tanh()",
                "softmax": "nn.Softmax(dim=1)"}
_STATE_NAMES = {"kernel": "weight", "bias": "bias", "gamma": "weight", "beta": "bias",
                "mean": "running_mean", "variance": "running_var"}


def _modules(step):
    """``[(module name, constructor text, {state key: array})]`` for one layer."""
    layer, kind, shape = step.layer, step.kind, step.in_shape
    state = {f"{layer.name}.{_STATE_NAMES[k]}": v for k, v in step.weights.items()}
    out = []
    if kind == "Conv2D":
        top, left, bottom, right = step.pads
        if any(step.pads):
            out.append((f"{layer.name}_pad", f"nn.ZeroPad2d(({left}, {right}, {top}, {bottom}))",
                        {}))
        out.append((layer.name, f"nn.Conv2d({shape[0]}, {layer.filters}, kernel_size="
                    f"{layer.kernel_size}, stride={layer.strides}, bias={layer.use_bias})", state))
    elif kind in ("MaxPooling2D", "AveragePooling2D"):
        cls = "MaxPool2d" if kind == "MaxPooling2D" else "AvgPool2d"
        out.append((layer.name, f"nn.{cls}(kernel_size={layer.pool_size}, "
                    f"stride={layer.strides})", {}))
    elif kind == "Flatten":
        out.append((layer.name, "nn.Flatten()", {}))
    elif kind == "Dropout":
        out.append((layer.name, f"nn.Dropout(p={layer.rate})", {}))
    elif kind == "Dense":
        out.append((layer.name, f"nn.Linear({shape[0]}, {layer.units}, bias={layer.use_bias})",
                    state))
    elif kind == "BatchNormalization":
        state[f"{layer.name}.num_batches_tracked"] = np.array(0, np.int64)
        dims = "2d" if len(shape) == 3 else "1d"
        out.append((layer.name, f"nn.BatchNorm{dims}({shape[0]}, eps={layer.epsilon}, "
                    f"momentum={1 - layer.momentum:.6g})", state))
    elif layer.activation == "linear":          # Activation("linear")
        out.append((layer.name, "nn.Identity()", {}))
    if layer.activation in _ACTIVATIONS:
        own = kind in ("Activation", "ReLU", "Softmax")
        out.append((layer.name if own else f"{layer.name}_{layer.activation}",
                    _ACTIVATIONS[layer.activation], {}))
    return out


def _script(model, weights_file):
    steps = nchw_steps(model)
    lines, state = [], {}
    for step in steps:
        for name, text, arrays in _modules(step):
            comment = shapes_text({k.split(".")[-1]: v for k, v in arrays.items() if v.ndim})
            lines.append(f"    ({name!r}, {text}),  # {comment}")
            state.update(arrays)
    body = "\n".join(lines)
    shape = ", ".join(str(n) for n in channels_first(model.input_shape))
    text = f'''"""{model.name}, rebuilt in PyTorch from CNN Explorer; loads the trained weights.

Run it beside {weights_file}: python this_script.py (needs torch and numpy).
Images are (N, channels, height, width) = (N, {shape}) floats in [0, 1]: CNN Explorer's
(N, height, width, channels) images with x.permute(0, 3, 1, 2).
"""

from collections import OrderedDict
from pathlib import Path

import numpy as np
import torch
from torch import nn

model = nn.Sequential(OrderedDict([
{body}
]))

# the weights in PyTorch's layout, under the state-dict keys of the modules above
weights = np.load(Path(__file__).with_name({weights_file!r}))
model.load_state_dict({{key: torch.from_numpy(weights[key]) for key in weights.files}})
model.eval()  # dropout off, batch normalisation on its moving statistics, as at prediction

if __name__ == "__main__":
    print(model)
'''
    return text, state


def torch_script(model, weights_file="model_weights.npz"):
    """The text of a Python script that rebuilds ``model`` in PyTorch and loads ``weights_file``
    (written by :func:`save_torch_script`); one line per module, its weight shapes in a comment."""
    return _script(model, weights_file)[0]


def save_torch_script(model, path):
    """Write the PyTorch script at ``path`` and its weights beside it; return both paths."""
    text, state = _script(model, weights_file_for(path).name)
    return write_script(path, text, state)
