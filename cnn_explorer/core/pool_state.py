"""The pooling page's state as one frozen, Qt-free value, and the pure functions that turn it into
what the page draws.

``PoolState`` holds what the student chose (the grid, the source, ReLU, kind, window, stride,
padding, ceil mode, weights, the shift); each field is checked on construction with the core's
messages. A combination the core refuses (a window larger than the input, padding as wide as the
window) is still a state: :func:`pool_plan` raises the core's ``ValueError`` for it, and the page
shows the message beside the last plan it could make.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

import numpy as np

from . import ops, steps
from .kernels import gaussian_weights
from .samples import guide_feature_map
from .shift import DIRECTIONS, ShiftComparison, compare_shift, shift_by_one
from .validation import as_bool, as_float_array, as_int, frozen, is_frozen, per_axis

SOURCES = ("grid", "conv2d")       # the typed grid, or the Convolution 2D page's output
NO_CONV_OUTPUT = ("The Convolution 2D page has no output yet: open it and choose an input and a "
                  "kernel, or pool the grid instead.")


def _frozen(values, name: str) -> np.ndarray:
    """A read-only float64 2D grid (checked unless it already is one: the state's own)."""
    if is_frozen(values, np.float64) and values.ndim == 2:
        return values
    return frozen(as_float_array(values, name=name, ndim=2))


def _one_of(value, choices, what: str):
    if value not in choices:
        raise ValueError(f"unknown {what} {value!r}: use one of {', '.join(choices)}")
    return value


@dataclass(frozen=True, eq=False)
class PoolState(steps._ArrayRecord):
    """Everything the pooling page shows, as the student chose it (compared by value).

    ``conv_output`` is the Convolution 2D page's current output: it belongs to that page, so the
    pooling page's undo never brings an old one back (see ``PoolingPage.apply_state``).
    """

    grid: np.ndarray = field(default_factory=guide_feature_map)       # (H, W)
    source: str = "grid"
    conv_output: np.ndarray | None = None                             # (H, W)
    relu: bool = False
    kind: str = "max"
    size: tuple[int, int] = (2, 2)
    stride: tuple[int, int] | None = None      # None: the window's size
    padding: tuple[int, int] = (0, 0)
    ceil_mode: bool = False
    weights: np.ndarray = field(default_factory=lambda: gaussian_weights((2, 2)))  # window shape
    shift: bool = False
    direction: str = "right"

    def __post_init__(self):
        checked = {
            "grid": _frozen(self.grid, "input"),
            "source": _one_of(self.source, SOURCES, "input source"),
            "conv_output": (None if self.conv_output is None
                            else _frozen(self.conv_output, "Convolution 2D output")),
            "relu": as_bool(self.relu, "relu"),
            "kind": _one_of(self.kind, ops.POOL_KINDS, "pooling kind"),
            "size": per_axis(self.size, 2, "pool size"),
            "stride": None if self.stride is None else per_axis(self.stride, 2, "stride"),
            "padding": per_axis(self.padding, 2, "padding", minimum=0),
            "ceil_mode": as_bool(self.ceil_mode, "ceil_mode"),
            "weights": _frozen(self.weights, "weights"),
            "shift": as_bool(self.shift, "shift"),
            "direction": _one_of(self.direction, tuple(DIRECTIONS), "shift direction"),
        }
        for name, value in checked.items():
            object.__setattr__(self, name, value)   # frozen: normalised once, here

    @property
    def is_global(self) -> bool:
        return self.kind.startswith("global")

    def plan_kwargs(self) -> dict:
        """Keywords for ``ops.pool2d`` / ``steps.pool2d_plan`` besides the input and the size."""
        return {"stride": self.stride, "padding": self.padding, "kind": self.kind,
                "ceil_mode": self.ceil_mode,
                "weights": self.weights if self.kind == "weighted" else None}


def pooled_input(state: PoolState, shifted: bool = True) -> np.ndarray:
    """The array pooled: the grid or the conv output, then ReLU, then the shift if it is on.

    Returns
    -------
    ndarray, shape (H, W)

    Raises
    ------
    ValueError
        The conv output is the source and there is none yet.
    """
    if state.source == "conv2d":
        if state.conv_output is None:
            raise ValueError(NO_CONV_OUTPUT)
        x = state.conv_output
    else:
        x = state.grid
    if state.relu:
        x = np.maximum(x, 0.0)
    if shifted and state.shift:
        x = shift_by_one(x, state.direction)
    return x


def pool_plan(state: PoolState) -> steps.PoolPlan:
    """The plan the page steps through (the core's ``ValueError`` for a refused combination)."""
    return steps.pool2d_plan(pooled_input(state), state.size, **state.plan_kwargs())


def shift_comparison(state: PoolState) -> ShiftComparison | None:
    """The one-pixel shift experiment with the state's pooling, or None while the shift is off."""
    if not state.shift:
        return None
    pool = partial(ops.pool2d, size=state.size, **state.plan_kwargs())
    return compare_shift(pooled_input(state, shifted=False), state.direction, pool)


def value_bound(state: PoolState) -> float:
    """The page's colour scale runs from ``-bound`` to ``bound``: the largest |value| of the
    data itself, so the same input keeps its colours whatever the kind, window or shift."""
    x = state.grid if state.source == "grid" or state.conv_output is None else state.conv_output
    return float(np.abs(x).max()) or 1.0


def window_change(state: PoolState, size) -> dict:
    """The fields to change for a new window ``size``: weights of another shape become Gaussian."""
    size = per_axis(size, 2, "pool size")
    weights = state.weights if state.weights.shape == size else gaussian_weights(size)
    return {"size": size, "weights": weights}


def weights_change(state: PoolState, weights) -> dict:
    """The fields to change for new ``weights``: the window takes their shape (a paste)."""
    weights = _frozen(weights, "weights")
    return {"weights": weights, "size": weights.shape}


def resized(values: np.ndarray, shape) -> np.ndarray:
    """``values`` cut or zero-extended to ``shape``, keeping the cells both shapes share."""
    new = np.zeros(tuple(shape))
    common = tuple(slice(0, min(a, b)) for a, b in zip(shape, values.shape))
    new[common] = values[common]
    return new



@dataclass(frozen=True)
class SizeChange:
    """How much pooling shrank (or grew) a map: its number of cells before and after.

    ``SizeChange(16, 4)``: ``fewer`` is True, ``factor`` 4.0 (four times fewer cells), ``saved``
    0.75 (three quarters of the numbers need not be stored).
    """

    cells_in: int
    cells_out: int

    def __post_init__(self):
        for name in ("cells_in", "cells_out"):
            count = as_int(getattr(self, name), name.replace("_", " "))
            if count < 1:
                raise ValueError(f"{name.replace('_', ' ')} must be at least 1 (got {count})")
            object.__setattr__(self, name, count)

    @property
    def fewer(self) -> bool:
        """True when the output holds no more cells than the input."""
        return self.cells_out <= self.cells_in

    @property
    def factor(self) -> float:
        """How many times fewer cells the output holds (or, when not ``fewer``, how many more)."""
        return self.cells_in / self.cells_out if self.fewer else self.cells_out / self.cells_in

    @property
    def saved(self) -> float:
        """The share of the input's cells the output does without, 0 to 1 (0 when it grew)."""
        return 1 - self.cells_out / self.cells_in if self.fewer else 0.0

    def factor_text(self) -> str:
        """``factor`` to three digits ("2.25"), whole with separators from 1,000 on ("4,096")."""
        return f"{self.factor:.3g}" if self.factor < 1000 else f"{self.factor:,.0f}"

    def saved_text(self) -> str:
        """``saved`` as a percentage; "over 99%" rather than a rounded "100%" that is not true."""
        return "over 99%" if self.saved > 0.99 else f"{self.saved:.0%}"


def size_change(plan: steps.PoolPlan) -> SizeChange:
    """The cells of ``plan``'s input (padding not counted) against those of its output."""
    return SizeChange(int(np.prod(plan.x.shape)), int(np.prod(plan.output_shape)))
