"""What does one filter look for? An image grown to excite it, the images that excite it most,
and its weights.

Activation maximisation follows Yosinski et al. 2015 (Deep Visualization Toolbox): gradient
ascent on the input from faint noise, with jitter, blur and an L2 pull towards grey as the
regularisers; here it runs live, one step per ``next()``.
"""

import numpy as np
from scipy import ndimage

from .. import functional as F
from ..layers import AveragePooling2D, Conv2D, MaxPooling2D
from .checks import channel_of, conv_layer, layer_named, number, positive_int

MAX_STEPS = 10_000
TOP_BATCH = 256
L2_DECAY = 1e-3     # pull towards mid-grey each step, so pixels the filter ignores fade out


def _channel_mean(channel):
    """Output gradient of the mean of one channel (last axis) over the positions."""
    def grad(out):
        g = np.zeros_like(out)
        g[..., channel] = 1 / max(1, out[0, ..., channel].size)
        return g
    return grad


def _layer_output(model, x, name):
    """The output of layer ``name`` for prepared images ``x`` (inference mode)."""
    for layer in model.layers:
        x, _ = layer.forward(x, training=False)
        if layer.name == name:
            return x
    raise ValueError(f"{model.name} has no layer {name!r}")


def maximize_activation(model, layer, channel, steps=200, lr=0.05, jitter=1, blur=0.5, seed=0):
    """Grow an image that excites one filter (or unit), one gradient-ascent step at a time.

    Parameters
    ----------
    model : Sequential
    layer : str
        A Conv2D or Dense layer.
    channel : int
        The filter (or unit) whose mean activation is raised.
    steps : int
        Number of steps (the generator ends after them; stop earlier by not asking for more).
    lr : float
        Step size, in pixels' units per step (the gradient is scaled to unit RMS first).
    jitter : int
        Each step shifts the image by up to this many pixels before the gradient, so that the
        image cannot cheat with a pattern tied to exact pixel positions.
    blur : float
        Gaussian blur (sigma in pixels) after each step: the image stays smooth.
    seed : int
        Seeds the starting noise and the jitter.

    Returns
    -------
    generator of (image, activation)
        ``image`` (H, W, C) float in [0, 1] after each step (a copy) and the filter's mean
        activation on it. Arguments are checked when this is called, not at the first step.
    """
    _, channel = channel_of(model, layer, channel)
    steps = positive_int(steps, "the number of steps", MAX_STEPS)
    lr = number(lr, "the step size", 0, 10, low_open=True)
    jitter = int(number(jitter, "the jitter", 0, max(model.input_shape[:2]) // 2))
    blur = number(blur, "the blur", 0, 10)
    return _ascend(model, layer, channel, steps, lr, jitter, blur, np.random.default_rng(seed))


def _ascend(model, layer, channel, steps, lr, jitter, blur, rng):
    x = (0.5 + 0.02 * rng.standard_normal((1,) + model.input_shape)).astype(model.dtype)
    grad_of = _channel_mean(channel)
    for _ in range(steps):
        dy, dx = rng.integers(-jitter, jitter + 1, size=2)
        shifted = np.roll(x, (dy, dx), axis=(1, 2))
        _, grad, _ = model.backpropagate(shifted, grad_of, layer=layer)
        grad = np.roll(grad, (-dy, -dx), axis=(1, 2))
        grad /= np.sqrt(np.mean(grad * grad)) + 1e-8
        x += lr * grad - L2_DECAY * (x - 0.5)
        if blur > 0:
            x = ndimage.gaussian_filter(x, sigma=(0, blur, blur, 0), mode="nearest")
        np.clip(x, 0, 1, out=x)
        activation = _layer_output(model, x, layer)[0, ..., channel].mean()
        yield x[0].copy(), float(activation)


def receptive_field(model, layer, row, col):
    """The input pixels that layer ``layer``'s output position (row, col) sees.

    Returns ``(top, left, bottom, right)``, bottom and right exclusive, clipped to the image.
    """
    names = [lay.name for lay in model.layers]
    stop = names.index(conv_layer(model, layer).name)
    rows, cols = (row, row + 1), (col, col + 1)
    for lay in reversed(model.layers[:stop + 1]):
        if isinstance(lay, (Conv2D, MaxPooling2D, AveragePooling2D)):
            kernel = lay.kernel_size if isinstance(lay, Conv2D) else lay.pool_size
            same = isinstance(lay, Conv2D) and lay.padding == "same"
            spans = []
            for axis, (lo, hi) in enumerate((rows, cols)):
                k, s = kernel[axis], lay.strides[axis]
                pad = F.same_padding(lay.input_shape[axis], k, s)[0] if same else 0
                spans.append((lo * s - pad, (hi - 1) * s - pad + k))
            rows, cols = spans
    height, width = model.input_shape[:2]
    return (max(rows[0], 0), max(cols[0], 0), min(rows[1], height), min(cols[1], width))


def layer_peaks(model, layer, images):
    """Each image's largest value of every filter of a conv layer, and where it is.

    Parameters
    ----------
    model : Sequential
    layer : str
        A Conv2D layer.
    images : array (N, H, W[, C])
        uint8 or float images, as the model takes them.

    Returns
    -------
    peaks : float64 array (N, filters)
    places : int array (N, filters)
        The peak's position, flat over the layer's (height, width).
    """
    name = conv_layer(model, layer).name
    images = np.asarray(images)
    if images.ndim < 3 or len(images) == 0:
        raise ValueError(f"top images need a batch of images of shape {model.input_shape}, got "
                         f"an array of shape {images.shape}")
    peaks, places = [], []
    for i in range(0, len(images), TOP_BATCH):
        maps = _layer_output(model, model.prepare_input(images[i:i + TOP_BATCH]), name)
        flat = maps.reshape(len(maps), -1, maps.shape[-1])
        where = flat.argmax(axis=1)
        peaks.append(np.take_along_axis(flat, where[:, None], axis=1)[:, 0])
        places.append(where)
    return np.concatenate(peaks).astype(np.float64), np.concatenate(places)


def top_of(model, layer, channel, peaks, places, k=9):
    """The ``k`` strongest images of one filter from :func:`layer_peaks`'s result.

    Returns ``(indices, activations, patches)`` as :func:`top_images` does.
    """
    _, channel = channel_of(model, layer, channel)
    k = positive_int(k, "k (how many images)", 1000)
    order = np.argsort(-peaks[:, channel], kind="stable")[:k]
    width = layer_named(model, layer).output_shape[2]
    patches = [receptive_field(model, layer, *divmod(int(places[i, channel]), width))
               for i in order]
    return order, peaks[order, channel], patches


def top_images(model, layer, channel, images, k=9):
    """The ``k`` images that excite one filter most, and where in each.

    Parameters
    ----------
    model : Sequential
    layer : str
        A Conv2D layer.
    channel : int
    images : array (N, H, W[, C])
        uint8 or float images, as the model takes them.
    k : int
        How many to return (fewer if there are fewer images).

    Returns
    -------
    indices : int array (k,)
        Into ``images``, the strongest first (ties: the lower index first).
    activations : float array (k,)
        The filter's largest value in each of those images.
    patches : list of (top, left, bottom, right)
        The input pixels the strongest position sees (:func:`receptive_field`).
    """
    channel_of(model, conv_layer(model, layer).name, channel)
    positive_int(k, "k (how many images)", 1000)
    return top_of(model, layer, channel, *layer_peaks(model, layer, images), k)


def filter_weights(model, layer, channel):
    """One conv filter's weights as tiles (input channels, kh, kw)."""
    conv = conv_layer(model, layer)
    _, channel = channel_of(model, conv.name, channel)
    return np.moveaxis(conv.weights[0][..., channel], -1, 0).copy()
