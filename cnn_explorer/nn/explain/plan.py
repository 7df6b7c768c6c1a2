"""The Explain page's choices as one frozen value, and the pure functions that turn them, with a
model and its images, into everything the page draws (no Qt here)."""

from dataclasses import dataclass, replace

import numpy as np

from .attribution import grad_cam, occlusion, probabilities, saliency
from .checks import conv_layers, number, one_image, positive_int
from .filters import filter_weights, top_of

MAX_STEPS = 2000

# what each map measures, said under it
MEANINGS = {
    "saliency": "How much the class score changes when one pixel changes.",
    "times_input": "Gradient × pixel: teal pixels add to the class score, brown ones take away.",
    "grad_cam": "Where {layer}'s maps, weighted by their mean gradient, vote for the class.",
    "no_cam": "0 everywhere: {layer}'s maps, weighted by their mean gradient, vote against the "
              "class at every position.",
    "occlusion": "The drop in class probability when a {size}×{size} patch there is covered "
                 "(brown: covering helps).",
}


@dataclass(frozen=True)
class ExplainChoice:
    """What the student picked; checked on construction (ValueError with a message).

    ``class_index`` None means the model's prediction; ``layer`` None means the last conv layer.
    A choice that does not fit the model at hand (after Load) is fitted by :func:`resolve`.
    """

    image_index: int = 0
    drawn: bool = False
    class_index: int | None = None
    occlusion_size: int = 6
    occlusion_stride: int = 3
    occlusion_fill: float = 0.0
    layer: str | None = None
    channel: int = 0
    steps: int = 200
    learning_rate: float = 0.05
    jitter: int = 1
    blur: float = 0.5

    def __post_init__(self):
        if not isinstance(self.image_index, int) or self.image_index < 0:
            raise ValueError(f"the image number must be 0 or more, got {self.image_index!r}")
        if self.class_index is not None and (not isinstance(self.class_index, int)
                                             or self.class_index < 0):
            raise ValueError(f"the class must be 0 or more, got {self.class_index!r}")
        if not isinstance(self.channel, int) or self.channel < 0:
            raise ValueError(f"the filter number must be 0 or more, got {self.channel!r}")
        positive_int(self.occlusion_size, "the occlusion patch's size", 1000)
        positive_int(self.occlusion_stride, "the occlusion stride", 1000)
        number(self.occlusion_fill, "the occlusion fill", 0, 1)
        positive_int(self.steps, "the number of steps", MAX_STEPS)
        number(self.learning_rate, "the step size", 0, 10, low_open=True)
        number(self.jitter, "the jitter", 0, 100)
        number(self.blur, "the blur", 0, 10)


def fit_images(images, input_shape):
    """``images`` (N, H, W[, C]) shaped for a model taking ``input_shape`` (H, W, C).

    Grey images are repeated into every channel of a colour model; other mismatches are refused.
    """
    images = np.asarray(images)
    height, width, channels = input_shape
    if images.ndim == 3:
        images = images[..., None]
    if images.ndim != 4 or images.shape[1:3] != (height, width):
        raise ValueError(f"the images are {images.shape[1]}×{images.shape[2]} but the model "
                         f"takes {height}×{width}: load data of that size on the Training page")
    if images.shape[3] == channels:
        return images
    if images.shape[3] == 1:
        return np.repeat(images, channels, axis=3)
    raise ValueError(f"the images have {images.shape[3]} channels but the model takes "
                     f"{channels}")


def resolve(choice, model, n_images):
    """``choice`` fitted to ``model`` and ``n_images`` test images: an index in range, a class the
    model has (else its prediction), a conv layer it has (else its last) and a filter of it."""
    layers = conv_layers(model)
    layer = choice.layer if choice.layer in layers else (layers[-1] if layers else None)
    channel = choice.channel
    if layer is not None:
        channel = min(channel, model.layers[[lay.name for lay in model.layers]
                                            .index(layer)].filters - 1)
    classes = model.output_shape[-1]
    class_index = choice.class_index if (choice.class_index or 0) < classes else None
    return replace(choice, image_index=min(choice.image_index, max(n_images - 1, 0)),
                   class_index=class_index, layer=layer, channel=channel)


@dataclass(frozen=True, eq=False)
class ImageExplanation:
    """Everything the page draws for one image: maps (H, W) float64, the image (H, W, C)."""

    image: np.ndarray
    probabilities: np.ndarray       # (classes,)
    predicted: int
    class_index: int                # the class explained
    saliency: np.ndarray            # largest |gradient| over the channels, >= 0
    times_input: np.ndarray         # gradient × input summed over the channels, signed
    cams: tuple                     # ((layer name, map >= 0), ...) one per conv layer
    occlusion: np.ndarray           # probability drop, signed


def explain_image(model, image, choice):
    """The maps of ``image`` (H, W, C) for ``choice``'s class (None: the prediction)."""
    x = one_image(model, image)
    probs = probabilities(model, x)[0]
    predicted = int(probs.argmax())
    cls = predicted if choice.class_index is None else choice.class_index
    grad, times = saliency(model, x, cls)
    cams = tuple((name, grad_cam(model, x, cls, name)) for name in conv_layers(model))
    size = min(choice.occlusion_size, *model.input_shape[:2])
    drop = occlusion(model, x, cls, size, choice.occlusion_stride, choice.occlusion_fill)
    return ImageExplanation(x[0], probs, predicted, cls, np.abs(grad).max(axis=-1),
                            times.sum(axis=-1, dtype=np.float64), cams, drop)


@dataclass(frozen=True, eq=False)
class FilterExplanation:
    """One filter's weights (input channels, kh, kw) and its top test images."""

    layer: str
    channel: int
    weights: np.ndarray
    top_indices: np.ndarray         # into the test images, strongest first (empty: no images)
    top_images: np.ndarray          # those images as the model sees them (k, H, W, C) in [0, 1]
    top_activations: np.ndarray
    patches: list                   # (top, left, bottom, right) per top image


def explain_filter(model, images, peaks, choice, k=9):
    """``choice``'s filter (a resolved choice: a conv layer of ``model``).

    ``images`` are the test images (None: none) and ``peaks`` their
    :func:`.filters.layer_peaks` for that layer.
    """
    weights = filter_weights(model, choice.layer, choice.channel)
    if images is None:
        empty = np.zeros((0,) + model.input_shape)
        return FilterExplanation(choice.layer, choice.channel, weights, np.zeros(0, int), empty,
                                 np.zeros(0), [])
    indices, values, patches = top_of(model, choice.layer, choice.channel, *peaks, k)
    return FilterExplanation(choice.layer, choice.channel, weights, indices,
                             model.prepare_input(images[indices]), values, patches)


def describe(name, **values):
    """The sentence saying what map ``name`` measures."""
    return MEANINGS[name].format(**values)
