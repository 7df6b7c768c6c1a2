"""What the convolution pages show, as one frozen value: the data, the kernel and the options.

A page edits it with ``dataclasses.replace`` (every field is checked again, so a refused value
raises ``ValueError`` with the core's own message and the page keeps the state it had) and turns
it into the plan it animates with :func:`conv_plan`, the one place the two meet.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import ops, steps
from .padding import PADDING_WORDS, pad
from .steps import ConvPlan, _ArrayRecord
from .validation import frozen, is_frozen

__all__ = ["ConvState", "conv_output", "conv_plan", "output_centres"]


# The last frozen input padded, with its pads and mode: a kernel edit makes a new state of the
# same (read-only) data, which then is not padded again (a 514×514 copy per edit).
_last_padding = [None]


def _pad_once(x, pads, pad_mode) -> np.ndarray:
    last = _last_padding[0]
    if last is not None and last[0] is x and last[1:3] == (pads, pad_mode):
        return last[3]
    padded = frozen(pad(x, pads, pad_mode))
    if is_frozen(x):                        # nobody can change it: safe to keep
        _last_padding[0] = (x, pads, pad_mode, padded)
    return padded


@dataclass(frozen=True, eq=False)
class ConvState(_ArrayRecord):
    """One convolution to explore, checked by ``cnn_explorer.core.ops`` when it is made.

    Attributes
    ----------
    data : ndarray, shape (n,) or (h, w)
        The input; its number of axes (1 or 2) is the convolution's.
    kernel : ndarray, data's number of axes
    anchor : tuple of int
        The kernel element (in the kernel as typed) whose position receives the output;
        ``None`` when made means the middle element.
    padding : str or tuple of (int, int)
        ``"valid"``, ``"same"``, ``"full"``, or explicit ``(before, after)`` amounts per axis.
    pad_mode : str
        One of ``core.padding.PAD_MODES``.
    stride, dilation : tuple of int
        One per axis (an int is repeated).
    flip : bool
        True convolution (kernel flipped on every axis) instead of cross-correlation.

    Equal states hold equal values (arrays compared by content).
    """

    data: np.ndarray
    kernel: np.ndarray
    anchor: tuple | None = None
    padding: str | tuple = "valid"
    pad_mode: str = "zeros"
    stride: tuple | int = 1
    dilation: tuple | int = 1
    flip: bool = False

    def __post_init__(self):
        ndim = 1 if np.ndim(self.data) == 1 else 2
        padding = self.padding
        if isinstance(padding, str) and padding.strip().lower() in PADDING_WORDS:
            padding = padding.strip().lower()
        # every check, with the messages a student gets anywhere else in the core
        setup = ops.conv_setup(self.data, self.kernel, ndim, stride=self.stride, padding=padding,
                               pad_mode=self.pad_mode, dilation=self.dilation, anchor=self.anchor,
                               flip=self.flip, pad_with=_pad_once)
        fixed = {"data": frozen(setup.x), "kernel": frozen(setup.kernel),
                 "anchor": setup.anchor, "padding": padding if isinstance(padding, str)
                 else setup.pads, "stride": setup.stride, "dilation": setup.dilation,
                 "flip": setup.flip}
        for name, value in fixed.items():
            object.__setattr__(self, name, value)
        # the checked, padded arguments, kept so that conv_plan does not check and pad again
        # (not a field: states still compare by their fields alone)
        object.__setattr__(self, "_setup", setup)

    @property
    def ndim(self) -> int:
        """1 or 2: the number of axes of the data and the kernel."""
        return self.data.ndim

    def anchor_for(self, kernel) -> tuple | None:
        """The centre a new ``kernel`` gets: this one if the shape is the same, else the middle
        (``None``), so typing a value never moves the centre and a resize starts afresh."""
        return self.anchor if np.shape(kernel) == self.kernel.shape else None


def conv_output(state: ConvState) -> np.ndarray:
    """The output feature map of ``state``: ``ops.conv1d``/``conv2d`` of its data and kernel,
    shape ``state``'s output shape (a page draws it before it builds the step trace).

    Raises ``ValueError`` when the sums overflow (finite values beyond ±1.8e308).
    """
    return ops.run_conv(state._setup)


def conv_plan(state: ConvState, output: np.ndarray | None = None) -> ConvPlan:
    """The step-by-step plan of ``state`` (``steps.conv1d_plan`` or ``conv2d_plan``);
    ``output`` is :func:`conv_output` of ``state`` when the caller has it already (not copied:
    the plan freezes it).

    Raises ``ValueError`` when the sums overflow (finite values beyond ±1.8e308).
    """
    return steps.conv_plan_of_setup(state._setup, output)


def output_centres(state: ConvState) -> tuple[np.ndarray, int]:
    """Where a 1D output goes: for each output cell, the padded-input cell its kernel's centre
    covers (``index · stride + anchor · dilation``, the anchor as applied), shape (n_out,);
    and the padded input's length."""
    setup = state._setup
    if len(setup.output_shape) != 1:
        raise ValueError("output_centres is for a 1D convolution")
    n = setup.output_shape[0]
    centres = np.arange(n) * setup.stride[0] + setup.applied_anchor[0] * setup.dilation[0]
    return centres, int(setup.padded.shape[0])
