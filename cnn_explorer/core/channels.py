"""Multi-channel 2D convolution, what a real conv layer computes, and its step trace.

A filter of a layer with ``C_in`` input maps is ``C_in`` 2D kernels (its *slices*). Each slice is
slid over its own input map with :func:`cnn_explorer.core.ops.conv2d`'s code (same padding, stride,
dilation, anchor and flip); the ``C_in`` partial maps are added in channel order, then the bias:

    out[i, j, o] = ((partial_0 + partial_1) + ... + partial_{C_in-1}) + b[o]

The trace adds the same floats in the same order, so every step's value equals the output bit for
bit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import numpy as np

from . import ops, steps
from .formulas import number
from .op_shared import finite_result
from .validation import as_float_array, shape_text

__all__ = ["conv2d_multi", "conv2d_multi_plan", "MultiConvPlan", "MultiConvStep",
           "check_multi_arguments"]

#: Most slices (``C_in × C_out``) a call may hold: the guide's largest layer has 32 × 64.
MAX_SLICES = 65_536


def _as_block(values, *, name: str, ndim: int, layout: str) -> np.ndarray:
    """Finite float64 array with ``ndim`` axes, with a message that names the expected layout."""
    try:
        dims = np.ndim(values)
    except ValueError:            # ragged lists: as_float_array says so in words
        dims = ndim
    if dims != ndim and dims > 0:
        raise ValueError(f"the {name} must have {ndim} axes {layout}; got {dims}")
    return as_float_array(values, name=name, ndim=ndim)


def check_multi_arguments(x, w, b=None):
    """Check a multi-channel input, weights and bias; return them as float64 arrays.

    Returns
    -------
    x : ndarray, shape (H, W, C_in)
    w : ndarray, shape (kh, kw, C_in, C_out)
    b : ndarray, shape (C_out,)
        Zeros when ``b`` is None.
    """
    x = _as_block(x, name="input", ndim=3, layout="(rows, columns, channels)")
    w = _as_block(w, name="weights", ndim=4,
                  layout="(kernel rows, kernel columns, input channels, filters)")
    if w.shape[2] != x.shape[2]:
        raise ValueError(f"the weights have {w.shape[2]} input channel(s) but the input has "
                         f"{x.shape[2]}: each filter needs one slice per input map")
    if w.shape[2] * w.shape[3] > MAX_SLICES:
        raise ValueError(f"{w.shape[2]}×{w.shape[3]} kernel slices are more than the "
                         f"{MAX_SLICES:,} this app computes with")
    if b is None:
        b = np.zeros(w.shape[3])
    else:
        b = as_float_array(np.atleast_1d(b) if np.ndim(b) == 0 else b, name="bias", ndim=1)
        if b.shape != (w.shape[3],):
            raise ValueError(f"the bias needs one number per filter ({w.shape[3]}); "
                             f"got {shape_text(b.shape)}")
    return x, w, b


def _add_in_order(partials, bias: float) -> np.ndarray:
    """``((p0 + p1) + ...) + bias``, elementwise: the order the trace adds them in."""
    total = np.array(partials[0], dtype=np.float64, copy=True)
    for p in partials[1:]:
        total += p
    total += bias
    return total


def _summed(partials, bias: np.ndarray) -> np.ndarray:
    """Stack per-filter totals: ``partials[o][c]`` are 2D maps -> ``(H', W', C_out)``."""
    with np.errstate(over="ignore", invalid="ignore"):
        out = np.stack([_add_in_order(per_c, b) for per_c, b in zip(partials, bias)], axis=-1)
    return finite_result(out, "convolution")


def conv2d_multi(x, w, b=None, **kw) -> np.ndarray:
    """Convolve a multi-channel input with a bank of filters, as a Conv2D layer does.

    Parameters
    ----------
    x : array_like, shape (H, W, C_in)
        The input maps (an RGB image has ``C_in = 3``).
    w : array_like, shape (kh, kw, C_in, C_out)
        Keras's layout: ``w[..., c, o]`` is the slice of filter ``o`` that reads input map ``c``.
    b : array_like, shape (C_out,), optional
        One bias per filter (default zeros).
    **kw
        Every keyword of :func:`cnn_explorer.core.ops.conv2d` (``stride``, ``padding``,
        ``pad_mode``, ``dilation``, ``anchor``, ``flip``), applied to every slice alike.

    Returns
    -------
    ndarray, float64, shape (H', W', C_out)
        ``H', W'`` as :func:`cnn_explorer.core.ops.conv2d` gives for one slice.

    Raises
    ------
    ValueError
        Everything :func:`cnn_explorer.core.ops.conv2d` refuses, plus inputs that are not
        3D / weights that are not 4D, a channel count that differs, a bias of the wrong length.

    Examples
    --------
    >>> x = np.ones((3, 3, 2)); w = np.ones((3, 3, 2, 1))
    >>> conv2d_multi(x, w, [0.5])[..., 0]
    array([[18.5]])
    """
    x, w, b = check_multi_arguments(x, w, b)
    partials = []
    for c in range(x.shape[2]):
        # Pad each input map once; every filter's slice for that map reuses the padded copy.
        setup = ops.conv_setup(x[..., c], w[..., c, 0], 2, **kw)
        row = []
        for o in range(w.shape[3]):
            typed = w[..., c, o]
            applied = typed[::-1, ::-1].copy() if setup.flip else typed
            row.append(ops.run_conv(setup._replace(kernel=typed, applied=applied)))
        partials.append(row)
    return _summed([[partials[c][o] for c in range(x.shape[2])] for o in range(w.shape[3])], b)


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


def conv2d_multi_plan(x, w, b=None, **kw) -> MultiConvPlan:
    """Plan of :func:`conv2d_multi` with the same arguments."""
    x, w, b = check_multi_arguments(x, w, b)
    plans = tuple(tuple(steps.conv2d_plan(x[..., c], w[..., c, o], **kw)
                        for c in range(x.shape[2])) for o in range(w.shape[3]))
    output = _summed([[p.output for p in per_c] for per_c in plans], b)
    output.setflags(write=False)
    frozen = [steps._frozen(a) for a in (x, w, b)]
    return MultiConvPlan(*frozen, plans, output, output.shape, int(output.size))


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
