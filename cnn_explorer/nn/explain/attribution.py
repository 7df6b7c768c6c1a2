"""Why did the model say this class? Saliency, Grad-CAM and occlusion maps of one image.

Every gradient comes from the engine's own backward pass (``Sequential.backpropagate``); nothing
here re-implements a layer. Class scores are the logits (before the softmax), as in the papers:
Simonyan et al. 2013 (saliency), Selvaraju et al. 2017 (Grad-CAM), Zeiler & Fergus 2014 (occlusion).
"""

import numpy as np

from .. import functional as F
from .checks import class_of, conv_layer, number, one_image, positive_int

# occluded copies of the image predicted at once, and in all (a 224×224 image at stride 1 is
# 50,176 copies: refused with a message rather than minutes of work)
OCCLUSION_BATCH = 256
MAX_OCCLUSIONS = 20_000


def _one_hot(class_index):
    def grad(out):
        g = np.zeros_like(out)
        g[:, class_index] = 1
        return g
    return grad


def saliency(model, x, class_index):
    """The class score's gradient with respect to every input pixel, and gradient × input.

    Parameters
    ----------
    model : Sequential
    x : array (H, W) or (H, W, C), uint8 or float in [0, 1]
        One image (a batch of one is taken too).
    class_index : int
        The class whose score (pre-softmax logit) is differentiated.

    Returns
    -------
    gradient, gradient_times_input : arrays (H, W, C)
        d score / d pixel, and that times the pixel (the input as the model sees it, in [0, 1]).
    """
    x = one_image(model, x)
    _, dx, _ = model.backpropagate(x, _one_hot(class_of(model, class_index)))
    return dx[0], dx[0] * x[0]


def upsample(values, shape):
    """Bilinear resize of a map (h, w) to ``shape`` (H, W), cell centres aligned, edges held."""
    values = np.asarray(values, dtype=float)
    (h, w), (rows, cols) = values.shape, shape

    def axis(n_in, n_out):
        return np.clip((np.arange(n_out) + 0.5) * n_in / n_out - 0.5, 0, n_in - 1)

    r, c = axis(h, rows), axis(w, cols)
    r0, c0 = np.floor(r).astype(int), np.floor(c).astype(int)
    r1, c1 = np.minimum(r0 + 1, h - 1), np.minimum(c0 + 1, w - 1)
    fr, fc = (r - r0)[:, None], (c - c0)[None, :]
    top = values[r0][:, c0] * (1 - fc) + values[r0][:, c1] * fc
    bottom = values[r1][:, c0] * (1 - fc) + values[r1][:, c1] * fc
    return top * (1 - fr) + bottom * fr


def grad_cam(model, x, class_index, layer):
    """Grad-CAM: where in the image a conv layer's maps vote for the class.

    The class score's gradient with respect to the layer's output, averaged over positions,
    weights each channel's map; their sum, through a ReLU, is resized to the input.

    Parameters
    ----------
    model, x, class_index
        As for :func:`saliency`.
    layer : str
        Name of a Conv2D layer.

    Returns
    -------
    array (H, W), float64, at least 0
        Zero everywhere when nothing in the layer speaks for the class.
    """
    x = one_image(model, x)
    name = conv_layer(model, layer).name
    _, _, watched = model.backpropagate(x, _one_hot(class_of(model, class_index)), watch=[name])
    maps, grads = watched[name]
    weights = grads[0].mean(axis=(0, 1), dtype=np.float64)           # (channels,)
    cam = np.maximum(maps[0].astype(np.float64) @ weights, 0)       # (h, w)
    return upsample(cam, model.input_shape[:2])


def probabilities(model, x):
    """Class probabilities (N, classes) of prepared images: the softmax of the class scores."""
    out = model.predict(x, batch_size=OCCLUSION_BATCH).astype(np.float64)
    if model.ends_in_softmax:
        return out
    return F.activation_forward("softmax", out)


def _starts(size, patch, stride):
    """Patch corners along one axis: every ``stride`` pixels, and one flush with the far edge."""
    starts = list(range(0, size - patch + 1, stride))
    if starts[-1] != size - patch:
        starts.append(size - patch)
    return starts


def occlusion(model, x, class_index, size=4, stride=2, fill=0.0):
    """How much the class probability drops when a square patch of the image is covered.

    Parameters
    ----------
    model, x, class_index
        As for :func:`saliency`.
    size : int
        The patch's side in pixels.
    stride : int
        Pixels between patch positions (the last one sits on the far edge).
    fill : float
        The value covering the patch, in the model's input units (0 black, 1 white).

    Returns
    -------
    array (H, W), float64
        Each pixel: the mean drop (probability unoccluded - occluded) over the patches that
        cover it; negative where covering helps the class.
    """
    x = one_image(model, x)
    class_index = class_of(model, class_index)
    height, width = model.input_shape[:2]
    size = positive_int(size, "the occlusion patch's size", min(height, width))
    stride = positive_int(stride, "the occlusion stride", max(height, width))
    fill = number(fill, "the occlusion fill", -1e6, 1e6)
    corners = [(r, c) for r in _starts(height, size, stride) for c in _starts(width, size, stride)]
    if len(corners) > MAX_OCCLUSIONS:
        raise ValueError(f"{len(corners):,} patch positions is too many (at most "
                         f"{MAX_OCCLUSIONS:,}); use a larger stride or patch")
    base = probabilities(model, x)[0, class_index]
    total = np.zeros((height, width))
    count = np.zeros((height, width))
    for i in range(0, len(corners), OCCLUSION_BATCH):
        part = corners[i:i + OCCLUSION_BATCH]
        batch = np.repeat(x, len(part), axis=0)
        for k, (r, c) in enumerate(part):
            batch[k, r:r + size, c:c + size] = fill
        drops = base - probabilities(model, batch)[:, class_index]
        for (r, c), drop in zip(part, drops):
            total[r:r + size, c:c + size] += drop
            count[r:r + size, c:c + size] += 1
    return total / count
