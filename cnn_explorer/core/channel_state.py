"""The Channels page's state, Qt-free: one frozen value the page draws from and undo keeps.

``ChannelsState`` holds the colour image and its filters (2D mode) and the volume and its kernel
(3D mode); it is checked on construction with the core's own messages. :func:`rgb_plans` and
:func:`volume_plan` turn it into the traces the page plays.
"""

from __future__ import annotations

import dataclasses
import weakref
from dataclasses import dataclass

import numpy as np

from . import channels, conv3d, ops
from .validation import as_int

MODES = ("rgb", "3d", "inside")
PADDINGS = ("same", "valid")
MAX_FILTERS = 6
CHANNEL_NAMES = ("red", "green", "blue")


#: Images this module froze and checked, by id: a state made from another one (every edit)
#: keeps its image, whose millions of values need no second look (4 ms each time at 2048×2048).
_CHECKED_IMAGES: weakref.WeakValueDictionary = weakref.WeakValueDictionary()


def _frozen(values, ndim: int, name: str) -> np.ndarray:
    if isinstance(values, np.ndarray) and values.dtype == np.float64 and values.ndim == ndim \
            and not values.flags.writeable and values.base is None:
        return values       # already frozen: an edit of the kernel keeps the photo it had
    arr = np.array(values, dtype=float, copy=True)
    if arr.ndim != ndim:
        raise ValueError(f"the {name} needs {ndim} axes (got {arr.ndim})")
    arr.setflags(write=False)
    return arr


def default_weights() -> np.ndarray:
    """One filter: the 'colour edge' preset, ``(3, 3, 3, 1)``."""
    return channels.RGB_PRESETS["colour edge"][0][..., None]


@dataclass(frozen=True, eq=False)
class ChannelsState:
    """Everything the Channels page shows, compared by value.

    Attributes
    ----------
    mode : {"rgb", "3d", "inside"}
    source : str
        A bundled photo's name or an image file's path (what ``image`` was read from).
    size : int
        The longest side the photo was shrunk to (0: as it is).
    image : ndarray, shape (H, W, 3)
        Pixels 0-1 (uint8 / 255).
    weights : ndarray, shape (3, 3, 3, F)
        ``F`` filters of three 3×3 slices, Keras's layout.
    bias : ndarray, shape (F,)
    selected : int
        The filter stepped through.
    padding : {"same", "valid"}
    stride : int
    volume_name : str
        One of ``conv3d.VOLUMES``; ``volume`` holds its cells ``(n, n, n)``.
    kernel3d : ndarray, shape (kd, kh, kw)
    padding3d : {"same", "valid"}
    inside_layer, inside_filter, inside_image : int
        Inside a trained layer: the conv layer (its index in the model's layers), the filter and
        the test image chosen; the model checks them (:func:`cnn_explorer.nn.inside.look_inside`).
    inside_channel : int
        The first input channel shown (a layer can have more maps than fit on the page).
    """

    source: str
    image: np.ndarray
    size: int = 24
    mode: str = "rgb"
    weights: np.ndarray = dataclasses.field(default_factory=default_weights)
    bias: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(1))
    selected: int = 0
    padding: str = "same"
    stride: int = 1
    volume_name: str = "sphere"
    volume: np.ndarray = dataclasses.field(default_factory=lambda: conv3d.volume("sphere", 6))
    kernel3d: np.ndarray = dataclasses.field(
        default_factory=lambda: conv3d.KERNEL_PRESETS["Laplacian"][0])
    padding3d: str = "same"
    inside_layer: int = 0
    inside_filter: int = 0
    inside_image: int = 0
    inside_channel: int = 0

    def __post_init__(self):
        put = object.__setattr__
        if self.mode not in MODES:
            raise ValueError(f"unknown mode {self.mode!r}: use one of {', '.join(MODES)}")
        for name in ("padding", "padding3d"):
            if getattr(self, name) not in PADDINGS:
                raise ValueError(f"padding must be one of {', '.join(PADDINGS)}")
        put(self, "image", _frozen(self.image, 3, "image"))
        put(self, "weights", _frozen(self.weights, 4, "weights"))
        put(self, "bias", _frozen(np.atleast_1d(self.bias), 1, "bias"))
        if _CHECKED_IMAGES.get(id(self.image)) is self.image:
            ops.check_filters(self.weights, self.bias, self.image.shape[2])
        else:
            ops.check_multi_arguments(self.image, self.weights, self.bias)
            _CHECKED_IMAGES[id(self.image)] = self.image
        if self.weights.shape[3] > MAX_FILTERS:
            raise ValueError(f"at most {MAX_FILTERS} filters fit on the page")
        put(self, "stride", as_int(self.stride, "stride"))
        if not 1 <= self.stride <= 4:
            raise ValueError(f"stride must be 1 to 4 (got {self.stride})")
        put(self, "selected", as_int(self.selected, "filter"))
        if not 0 <= self.selected < self.weights.shape[3]:
            raise ValueError(f"there is no filter {self.selected + 1}: there are "
                             f"{self.weights.shape[3]}")
        for name in ("inside_layer", "inside_filter", "inside_image", "inside_channel"):
            put(self, name, as_int(getattr(self, name), name.replace("_", " ")))
            if getattr(self, name) < 0:
                raise ValueError(f"{name.replace('_', ' ')} cannot be negative")
        put(self, "volume", _frozen(self.volume, 3, "volume"))
        put(self, "kernel3d", _frozen(self.kernel3d, 3, "kernel"))

    def __eq__(self, other):
        if type(other) is not type(self):
            return NotImplemented
        for f in dataclasses.fields(self):
            a, b = getattr(self, f.name), getattr(other, f.name)
            if isinstance(a, np.ndarray):
                if a is not b and (a.shape != b.shape or not np.array_equal(a, b)):
                    return False
            elif a != b:
                return False
        return True

    __hash__ = None

    @property
    def n_filters(self) -> int:
        return int(self.weights.shape[3])

    def filter_slices(self, o: int | None = None) -> np.ndarray:
        """Filter ``o``'s (default: the selected one's) slices, ``(3, 3, 3)``."""
        return self.weights[..., self.selected if o is None else o]

    def with_slice_value(self, channel: int, row: int, col: int, value: float) -> "ChannelsState":
        """The state with one typed value in the selected filter's slice ``channel``."""
        weights = np.array(self.weights)
        weights[row, col, channel, self.selected] = value
        return dataclasses.replace(self, weights=weights)

    def with_filter(self, slices: np.ndarray) -> "ChannelsState":
        """The selected filter replaced by ``slices`` ``(3, 3, 3)`` (a preset)."""
        weights = np.array(self.weights)
        weights[..., self.selected] = slices
        return dataclasses.replace(self, weights=weights)

    def with_added_filter(self, slices: np.ndarray) -> "ChannelsState":
        """One more filter (selected), with bias 0."""
        weights = np.concatenate([self.weights, np.asarray(slices, float)[..., None]], axis=-1)
        return dataclasses.replace(self, weights=weights, bias=np.append(self.bias, 0.0),
                                   selected=weights.shape[3] - 1)

    def without_selected_filter(self) -> "ChannelsState":
        if self.n_filters == 1:
            raise ValueError("the last filter cannot be removed: a layer needs one")
        keep = [o for o in range(self.n_filters) if o != self.selected]
        return dataclasses.replace(self, weights=self.weights[..., keep], bias=self.bias[keep],
                                   selected=max(0, self.selected - 1))

    def with_bias(self, value: float) -> "ChannelsState":
        bias = np.array(self.bias)
        bias[self.selected] = value
        return dataclasses.replace(self, bias=bias)


def _filter_plan(state: ChannelsState, o: int) -> channels.MultiConvPlan:
    return channels.conv2d_multi_plan(state.image, state.weights[..., o:o + 1],
                                      state.bias[o:o + 1], padding=state.padding,
                                      stride=state.stride)


def rgb_plans(state: ChannelsState, previous: tuple | None = None) -> tuple:
    """One :class:`channels.MultiConvPlan` per filter (each with one output map).

    ``previous`` is ``(old_state, old_plans)``. A filter that did not change keeps its plan; when
    the image, padding and stride did not change either, a changed filter's plan is the old one
    :meth:`~channels.MultiConvPlan.with_weights`: typing one weight recomputes one slice's map
    over the padded planes already made (2048×2048: one convolution of one plane, not three
    paddings and three convolutions).
    """
    old_state, old_plans = previous if previous is not None else (None, ())
    same_input = old_state is not None and _same_input(old_state, state)
    plans = []
    for o in range(state.n_filters):
        reuse = next((p for k, p in enumerate(old_plans) if same_input
                      and k < old_state.n_filters and _same_filter(old_state, k, state, o)), None)
        base = old_plans[min(o, len(old_plans) - 1)] if same_input and old_plans else None
        if reuse is None and base is not None and base.weights.shape[:3] == state.weights.shape[:3]:
            reuse = base.with_weights(state.weights[..., o:o + 1], state.bias[o:o + 1])
        plans.append(reuse if reuse is not None else _filter_plan(state, o))
    return tuple(plans)


def _same_input(a: ChannelsState, b: ChannelsState) -> bool:
    return (a.image is b.image or np.array_equal(a.image, b.image)) and \
        (a.padding, a.stride) == (b.padding, b.stride)


def _same_filter(a: ChannelsState, k: int, b: ChannelsState, o: int) -> bool:
    return np.array_equal(a.weights[..., k], b.weights[..., o]) and a.bias[k] == b.bias[o]


def volume_plan(state: ChannelsState):
    """The 3D trace of the state's volume and kernel."""
    return conv3d.conv3d_plan(state.volume, state.kernel3d, padding=state.padding3d)
