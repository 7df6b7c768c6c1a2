"""The step trace of :func:`cnn_explorer.core.ops.conv2d_multi` (what a real conv layer
computes), and filters for an RGB image.

A record shows, for one output cell of one filter, each input map's window, the slice as applied,
the products and the partial sum, then the partial sums added in channel order plus the bias. It
adds the same floats in the same order as ``ops.conv2d_multi``, so every step's value equals the
output bit for bit.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Iterator

import numpy as np

from . import ops, steps
from .formulas import number
from .validation import shape_text

__all__ = ["conv2d_multi_plan", "MultiConvPlan", "MultiConvStep", "RGB_PRESETS"]


@dataclass(frozen=True, eq=False)
class MultiConvStep(steps._ArrayRecord):
    """One output value of a multi-channel convolution.

    Attributes
    ----------
    n : int
        Step number, raster order over ``(i, j, o)`` (filters fastest).
    index : tuple of int
        ``(i, j, o)``: output row, column and filter.
    slices : tuple of ConvStep
        One record per input map ``c``: its window (``taps``), ``patch``, the slice as applied
        (``kernel``), ``products`` and partial sum (``value``).
    partials : ndarray, shape (C_in,)
        The partial sums, ``slices[c].value``.
    bias : float
    total : float
        ``((partials[0] + partials[1]) + ...) + bias``, equal to the ops output at ``index``.
    """

    n: int
    index: tuple
    slices: tuple
    partials: np.ndarray
    bias: float
    total: float

    @property
    def value(self) -> float:
        return self.total

    @property
    def relu(self) -> float:
        """``max(total, 0)``: what a ReLU after the layer makes of the value."""
        return max(self.total, 0.0)

    def formula(self, digits: int = 3) -> str:
        """Partial sums plus bias: ``"1.5 + (-2) + 0.25 + 0.1 = -0.15"``."""
        terms = [number(p, digits) if p >= 0 else f"({number(p, digits)})" for p in self.partials]
        bias = number(self.bias, digits) if self.bias >= 0 else f"({number(self.bias, digits)})"
        return f"{' + '.join(terms)} + {bias} = {number(self.total, digits)}"


@dataclass(frozen=True, eq=False)
class MultiConvPlan:
    """A multi-channel convolution computed once, with random access to its steps.

    Attributes
    ----------
    x : ndarray, shape (H, W, C_in)
    weights : ndarray, shape (kh, kw, C_in, C_out)
    bias : ndarray, shape (C_out,)
    plans : tuple of tuple of ConvPlan
        ``plans[o][c]``: filter ``o``'s slice ``c`` over input map ``c`` (its ``output`` is the
        partial map, its ``padded`` the padded map).
    output : ndarray, shape (H', W', C_out)
    output_shape : tuple
    n_steps : int
    """

    x: np.ndarray
    weights: np.ndarray
    bias: np.ndarray
    plans: tuple
    output: np.ndarray
    output_shape: tuple
    n_steps: int

    def partial_maps(self, o: int) -> np.ndarray:
        """Filter ``o``'s partial maps, shape (H', W', C_in)."""
        return np.stack([p.output for p in self.plans[o]], axis=-1)

    def step(self, n: int) -> MultiConvStep:
        """Record of step ``n``; ``IndexError`` outside ``range(n_steps)``."""
        n = int(n)
        if not 0 <= n < self.n_steps:
            raise IndexError(f"step {n} does not exist: there are {self.n_steps} steps "
                             f"(0 to {self.n_steps - 1})")
        i, j, o = (int(v) for v in np.unravel_index(n, self.output_shape))
        cell = self.plans[o][0].step_number((i, j))
        slices = tuple(p.step(cell) for p in self.plans[o])
        partials = np.array([s.value for s in slices])
        partials.setflags(write=False)
        total = 0.0
        for c, s in enumerate(slices):
            total = s.value if c == 0 else total + s.value
        total = total + float(self.bias[o])
        return MultiConvStep(n, (i, j, o), slices, partials, float(self.bias[o]), total)

    def step_number(self, index) -> int:
        """Step number of output ``(i, j, o)``."""
        index = tuple(int(v) for v in index)
        if len(index) != 3 or not all(0 <= v < s for v, s in zip(index, self.output_shape)):
            raise IndexError(f"output index {index} is outside the output of shape "
                             f"{self.output_shape}")
        return int(np.ravel_multi_index(index, self.output_shape))

    def steps(self) -> Iterator[MultiConvStep]:
        for n in range(self.n_steps):
            yield self.step(n)

    def with_weights(self, w, b=None) -> "MultiConvPlan":
        """The plan of the same input and options with other weights (and bias) of the same
        shape ``(kh, kw, C_in, C_out)``.

        Slices whose values did not change keep their partial maps; the others are summed again
        over the padded maps already made. A typed weight costs one map's convolution (and the
        sum over channels), not ``C_in × C_out`` of them.
        """
        w, b = ops.check_filters(w, b, self.x.shape[2])
        if w.shape != self.weights.shape:
            raise ValueError(f"the new weights must keep the plan's shape "
                             f"{shape_text(self.weights.shape)}; got {shape_text(w.shape)}")
        plans = tuple(tuple(p if np.array_equal(p.kernel, w[..., c, o])
                            else _slice_plan(p, w[..., c, o]) for c, p in enumerate(per_c))
                      for o, per_c in enumerate(self.plans))
        return _assembled(self.x, w, b, plans)


def conv2d_multi_plan(x, w, b=None, **kw) -> MultiConvPlan:
    """Plan of :func:`cnn_explorer.core.ops.conv2d_multi` with the same arguments."""
    x, w, b = ops.check_multi_arguments(x, w, b)
    # Each input map is padded once, by the first filter's slice; the other filters reuse it.
    first = [steps.conv2d_plan(x[..., c], w[..., c, 0], **kw) for c in range(x.shape[2])]
    plans = tuple(tuple(p if o == 0 else _slice_plan(p, w[..., c, o]) for c, p in enumerate(first))
                  for o in range(w.shape[3]))
    return _assembled(x, w, b, plans)


def _assembled(x, w, b, plans) -> MultiConvPlan:
    output = ops.add_channels([[p.output for p in per_c] for per_c in plans], b)
    output.setflags(write=False)
    return MultiConvPlan(_kept(x), steps._frozen(w), steps._frozen(b), plans, output,
                         output.shape, int(output.size))


def _slice_plan(plan: steps.ConvPlan, kernel: np.ndarray) -> steps.ConvPlan:
    """``plan`` with another kernel of the same shape: same input, padded map and options, only
    the sums computed again."""
    applied = kernel[::-1, ::-1].copy() if plan.flip else kernel
    output = ops.run_conv(ops.ConvSetup(plan.x, kernel, applied, plan.pads, plan.padded,
                                        plan.stride, plan.dilation, plan.anchor,
                                        plan.applied_anchor, plan.flip, plan.output_shape,
                                        plan.pad_mode))
    output.setflags(write=False)
    return dataclasses.replace(plan, kernel=steps._frozen(kernel),
                               applied_kernel=steps._frozen(applied), output=output)


def _kept(values: np.ndarray) -> np.ndarray:
    """``values`` itself if nothing can write to it (it and every array it views are read-only),
    else a frozen copy: a plan keeps the page's photo without copying it on every edit."""
    arr = values
    while isinstance(arr, np.ndarray):
        if arr.flags.writeable:
            return steps._frozen(values)
        arr = arr.base
    return values if arr is None else steps._frozen(values)


def _slices(r, g, b) -> np.ndarray:
    """Three 3×3 slices (red, green, blue) -> one (3, 3, 3) filter, channels last."""
    return np.stack([np.asarray(s, dtype=float) for s in (r, g, b)], axis=-1)


_SOBEL_X = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]
_CENTRE = np.zeros((3, 3))
_CENTRE[1, 1] = 1

#: Filters for an RGB image, 3×3×3 (rows, columns, channels R, G, B), with what they find.
RGB_PRESETS: dict[str, tuple[np.ndarray, str]] = {
    "colour edge": (_slices(_SOBEL_X, np.multiply(_SOBEL_X, -0.5) + 0.0,
                            np.multiply(_SOBEL_X, -0.5) + 0.0),
                    "Sobel on red against Sobel on green and blue: strong where red meets cyan "
                    "from left to right, zero on a grey edge."),
    "red minus green": (_slices(_CENTRE, -_CENTRE, 0 * _CENTRE),
                        "Each pixel's red minus its green: positive on red things, negative on "
                        "green ones."),
    "luminance": (_slices(0.299 * _CENTRE, 0.587 * _CENTRE, 0.114 * _CENTRE),
                  "Brightness as the eye sees it (ITU-R 601 weights): the photo made grey."),
    "per-channel Sobel": (_slices(_SOBEL_X, _SOBEL_X, _SOBEL_X),
                          "The same vertical-edge Sobel on every plane, summed: edges of any "
                          "colour."),
}
for _values, _ in RGB_PRESETS.values():
    _values.setflags(write=False)
