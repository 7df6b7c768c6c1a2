"""Step-by-step traces of convolution and pooling, the frames the animations play.

A *plan* checks the arguments and computes the output once (with :mod:`.ops`); ``plan.step(n)``
then builds the record of output element ``n`` (raster order) on demand, so scrubbing a large input
costs one kernel's worth of work per frame. Records are frozen and hold read-only arrays.

Every record's ``value`` equals the matching ``ops`` output exactly: its terms are added in the
kernel's raster order, as ``ops`` adds them (``np.sum`` would pair terms and could differ in the
last bit).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, fields
from typing import Iterator

import numpy as np

from . import ops
from .padding import pad_mask
from .formulas import elide, factor, number
from .validation import as_int, frozen as _frozen, is_sequence

__all__ = ["StepOutOfRange", "ConvStep", "ConvPlan", "PoolStep", "PoolPlan", "conv1d_plan", "conv2d_plan",
           "conv1d_steps", "conv2d_steps", "pool1d_plan", "pool2d_plan", "pool1d_steps",
           "pool2d_steps"]


def _frozen_fresh(arr: np.ndarray, caller_input: np.ndarray) -> np.ndarray:
    """Freeze an array ``ops`` just made, copying it only if it shares memory with the caller's
    input (a guard: ``ops`` returns fresh arrays today): a 512×512 plan is 3 copies faster this
    way, which the pages feel on every edit."""
    if np.shares_memory(arr, caller_input):
        return _frozen(arr)
    arr.setflags(write=False)
    return arr


class _ArrayRecord:
    """Equality for frozen dataclasses that hold arrays: same fields, same array contents."""

    __hash__ = None

    def __eq__(self, other):
        if type(other) is not type(self):
            return NotImplemented
        for f in fields(self):
            a, b = getattr(self, f.name), getattr(other, f.name)
            if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
                if a is None or b is None or not np.array_equal(a, b):
                    return False
            elif a != b:
                return False
        return True


def _tap_offsets(shape, dilation) -> np.ndarray:
    """Offsets from the window origin read by each kernel element: ``shape + (ndim,)``."""
    grid = np.indices(shape)
    return np.moveaxis(grid, 0, -1) * np.asarray(dilation)


def _axis_windows(pos, size, stride, dilation, count) -> list[int]:
    """Output indices along one axis whose taps include padded position ``pos``."""
    # only the windows starting within one span before pos can reach it (a 1D plan may have
    # millions of outputs: looping over all of them made a hover take seconds)
    first = max(0, -(-(pos - dilation * (size - 1)) // stride))
    last = min(count - 1, pos // stride)
    return [i for i in range(first, last + 1) if (pos - i * stride) % dilation == 0]


class StepOutOfRange(ValueError, IndexError):
    """A step number or position a plan does not have: a ``ValueError`` like every bad input to
    the core, and an ``IndexError`` for code that indexes the steps like a sequence."""


def _position(value, ndim: int, what: str) -> tuple[int, ...]:
    """An int or a tuple of ``ndim`` ints (an output index or a padded-input position)."""
    items = tuple(value) if is_sequence(value) else (value,)
    if len(items) != ndim:
        raise StepOutOfRange(f"{what} {items!r} needs {ndim} coordinate(s)")
    return tuple(as_int(i, what) for i in items)


class _Plan:
    """Random access shared by both plans (needs ``n_steps``, ``output_shape`` and ``_record``)."""

    def step(self, n: int):
        """Record of step ``n`` (output element ``n`` in raster order), built in O(kernel size).

        Raises :class:`StepOutOfRange` (a ``ValueError``) when ``n`` is not in ``range(n_steps)``.
        """
        n = as_int(n, "the step number")
        if not 0 <= n < self.n_steps:
            raise StepOutOfRange(f"step {n} does not exist: there are {self.n_steps} steps "
                             f"(0 to {self.n_steps - 1})")
        index = tuple(int(i) for i in np.unravel_index(n, self.output_shape))
        return self._record(n, index)

    def steps(self) -> Iterator:
        """All records in raster order (row by row)."""
        for n in range(self.n_steps):
            yield self.step(n)

    def step_number(self, index) -> int:
        """Step number of output ``index`` (``(i,)`` or ``(i, j)``): the reverse of ``step(n).index``."""
        index = _position(index, len(self.output_shape), "output index")
        if not all(0 <= i < s for i, s in zip(index, self.output_shape)):
            raise StepOutOfRange(f"output index {index} is outside the output of shape "
                             f"{self.output_shape}")
        return int(np.ravel_multi_index(index, self.output_shape))

    def windows_for(self, padded_pos) -> list[int]:
        """Step numbers whose window reads padded cell ``padded_pos`` (hovering an input cell).

        Parameters
        ----------
        padded_pos : int or tuple of int
            Position in the padded input (add the ``before`` pads to an input position).

        Returns
        -------
        list of int
            Ascending step numbers; empty when no window reads the cell.
        """
        pos = _position(padded_pos, len(self.output_shape), "position")
        per_axis = [_axis_windows(p, k, s, d, o) for p, k, s, d, o
                    in zip(pos, self._window_shape, self.stride, self._dilation, self.output_shape)]
        return [int(np.ravel_multi_index(i, self.output_shape)) for i in itertools.product(*per_axis)]


@dataclass(frozen=True, eq=False)
class ConvStep(_ArrayRecord):
    """One output element of a convolution, with everything needed to draw and explain it.

    Attributes
    ----------
    n : int
        Step number in raster order.
    index : tuple of int
        Output index, ``(i,)`` or ``(i, j)``.
    origin : tuple of int
        Padded-input position of the window's first (top-left) tap.
    taps : ndarray of int, shape kernel.shape + (ndim,)
        Padded-input position read by each kernel element (dilation spreads them).
    centre : tuple of int
        Padded-input position under the anchor element.
    patch : ndarray, kernel shape
        Values under the taps.
    kernel : ndarray, kernel shape
        The kernel as applied (flipped when ``flip=True``).
    products : ndarray, kernel shape
        ``kernel * patch``.
    value : float
        Sum of the products in raster order, equal to the ``ops`` output at ``index``.
    """

    n: int
    index: tuple
    origin: tuple
    taps: np.ndarray
    centre: tuple
    patch: np.ndarray
    kernel: np.ndarray
    products: np.ndarray
    value: float

    def formula(self, digits: int = 3, *, max_terms: int | None = 64) -> str:
        """The sum written out, kernel value first: ``"(-1)·0 + 0·3 + 1·5 = 5"``.

        More than ``max_terms`` terms are shortened with ``…`` (None keeps them all).
        """
        terms = [f"{factor(k, digits)}·{factor(p, digits)}"
                 for k, p in zip(self.kernel.ravel(), self.patch.ravel())]
        return f"{' + '.join(elide(terms, max_terms))} = {number(self.value, digits)}"


@dataclass(frozen=True, eq=False)
class ConvPlan(_Plan):
    """A convolution computed once, with random access to its steps.

    Attributes
    ----------
    x : ndarray
        Input, shape (n,) or (h, w).
    kernel, applied_kernel : ndarray
        The kernel as typed, and as applied (flipped on every axis when ``flip``).
    pads : tuple of (int, int)
        ``(before, after)`` per axis.
    padded : ndarray
        The padded input; ``is_pad`` (bool, same shape) is True on pad cells.
    stride, dilation : tuple of int
    anchor : tuple of int
        The centre element in the kernel as typed; ``applied_anchor`` is the same element's index in
        ``applied_kernel`` (``k - 1 - anchor`` when flipped).
    flip : bool
    pad_mode : str
    output : ndarray
        The ``ops`` result, shape ``output_shape``; ``n_steps`` is its size.
    """

    x: np.ndarray
    kernel: np.ndarray
    applied_kernel: np.ndarray
    pads: tuple
    padded: np.ndarray
    is_pad: np.ndarray
    stride: tuple
    dilation: tuple
    anchor: tuple
    flip: bool
    output: np.ndarray
    output_shape: tuple
    n_steps: int
    applied_anchor: tuple
    pad_mode: str

    @property
    def _window_shape(self):
        return self.kernel.shape

    @property
    def _dilation(self):
        return self.dilation

    def _record(self, n, index) -> ConvStep:
        origin = tuple(i * s for i, s in zip(index, self.stride))
        taps = _tap_offsets(self.kernel.shape, self.dilation) + np.asarray(origin)
        patch = self.padded[tuple(np.moveaxis(taps, -1, 0))]
        products = self.applied_kernel * patch
        value = float(ops.raster_sum(products.ravel()))
        centre = tuple(o + a * d for o, a, d in zip(origin, self.applied_anchor, self.dilation))
        return ConvStep(n, index, origin, _frozen(taps), centre, _frozen(patch),
                        self.applied_kernel, _frozen(products), value)


def _conv_plan(x, k, ndim, **kw) -> ConvPlan:
    return conv_plan_of_setup(ops.conv_setup(x, k, ndim, **kw))


def conv_plan_of_setup(setup: ops.ConvSetup) -> ConvPlan:
    """The plan of arguments :func:`ops.conv_setup` has already checked (and padded)."""
    output = ops.run_conv(setup)
    return ConvPlan(x=_frozen(setup.x), kernel=_frozen(setup.kernel),
                    applied_kernel=_frozen(setup.applied), pads=setup.pads,
                    padded=_frozen_fresh(setup.padded, setup.x),
                    is_pad=_frozen_fresh(pad_mask(setup.x.shape, setup.pads), setup.x),
                    stride=setup.stride, dilation=setup.dilation, anchor=setup.anchor,
                    flip=setup.flip, output=_frozen_fresh(output, setup.x),
                    output_shape=output.shape,
                    n_steps=int(output.size), applied_anchor=setup.applied_anchor,
                    pad_mode=setup.pad_mode)


def conv1d_plan(x, k, *, stride=1, padding="valid", pad_mode="zeros", dilation=1, anchor=None,
                flip=False) -> ConvPlan:
    """Plan of :func:`cnn_explorer.core.ops.conv1d` with the same arguments."""
    return _conv_plan(x, k, 1, stride=stride, padding=padding, pad_mode=pad_mode,
                      dilation=dilation, anchor=anchor, flip=flip)


def conv2d_plan(x, k, *, stride=1, padding="valid", pad_mode="zeros", dilation=1, anchor=None,
                flip=False) -> ConvPlan:
    """Plan of :func:`cnn_explorer.core.ops.conv2d` with the same arguments."""
    return _conv_plan(x, k, 2, stride=stride, padding=padding, pad_mode=pad_mode,
                      dilation=dilation, anchor=anchor, flip=flip)


def conv1d_steps(x, k, **kw) -> Iterator[ConvStep]:
    """Records of every output element of ``ops.conv1d(x, k, **kw)`` in order."""
    return conv1d_plan(x, k, **kw).steps()


def conv2d_steps(x, k, **kw) -> Iterator[ConvStep]:
    """Records of every output element of ``ops.conv2d(x, k, **kw)`` in raster order."""
    return conv2d_plan(x, k, **kw).steps()


@dataclass(frozen=True, eq=False)
class PoolStep(_ArrayRecord):
    """One output element of a pooling.

    Attributes
    ----------
    n, index, origin
        As in :class:`ConvStep`.
    taps : ndarray of int, shape window + (ndim,)
        Padded-input position of each window cell.
    values : ndarray, window shape
        The window's values: ``-inf`` on pad cells for max kinds, 0 for the others.
    winner : tuple of int or None
        Padded position of the chosen cell for max kinds (the first in raster order on ties).
    value : float
        Equal to the ``ops`` output at ``index``.
    kind : str
    is_pad : ndarray of bool, window shape
        True on pad cells (left out of the average's count).
    weights : ndarray or None
        The window's weights for ``"weighted"``.
    """

    n: int
    index: tuple
    origin: tuple
    taps: np.ndarray
    values: np.ndarray
    winner: tuple | None
    value: float
    kind: str
    is_pad: np.ndarray
    weights: np.ndarray | None

    def formula(self, digits: int = 3, *, max_terms: int | None = 64) -> str:
        """The pooling written out.

        ``"max(1, 2, 2, 0) = 2"``, ``"(1 + 2 + 2 + 0) / 4 = 1.25"`` (real cells only),
        ``"√(1² + 2² + 2² + 0²) = 3"``, ``"0.25·1 + 0.25·2 + … = 1.5"``. Long windows (global
        pooling) are shortened with ``…`` beyond ``max_terms`` terms.
        """
        vals = self.values.ravel()
        result = number(self.value, digits)
        if self.kind in ("max", "global_max"):
            return f"max({', '.join(elide([number(v, digits) for v in vals], max_terms))}) = {result}"
        if self.kind in ("avg", "global_avg"):
            real = vals[~self.is_pad.ravel()]
            terms = elide([factor(v, digits) for v in real], max_terms)
            return f"({' + '.join(terms)}) / {real.size} = {result}"
        if self.kind == "l2":
            terms = elide([f"{factor(v, digits)}²" for v in vals], max_terms)
            return f"√({' + '.join(terms)}) = {result}"
        terms = [f"{factor(w, digits)}·{factor(v, digits)}"
                 for w, v in zip(self.weights.ravel(), vals)]
        return f"{' + '.join(elide(terms, max_terms))} = {result}"


@dataclass(frozen=True, eq=False)
class PoolPlan(_Plan):
    """A pooling computed once, with random access to its steps.

    ``pads`` includes the extra cells a ``ceil_mode`` window reaches beyond the requested padding
    (they are pad cells too). For the global kinds ``size`` and ``stride`` are the input's shape.
    """

    x: np.ndarray
    size: tuple
    stride: tuple
    pads: tuple
    padded: np.ndarray
    is_pad: np.ndarray
    kind: str
    weights: np.ndarray | None
    ceil_mode: bool
    output: np.ndarray
    output_shape: tuple
    n_steps: int

    @property
    def _window_shape(self):
        return self.size

    @property
    def _dilation(self):
        return (1,) * len(self.size)

    def _record(self, n, index) -> PoolStep:
        origin = tuple(i * s for i, s in zip(index, self.stride))
        taps = _tap_offsets(self.size, self._dilation) + np.asarray(origin)
        where = tuple(np.moveaxis(taps, -1, 0))
        values, is_pad = self.padded[where], self.is_pad[where]
        setup = ops.PoolSetup(self.x, self.size, self.stride, self.pads, self.padded, self.is_pad,
                              self.kind, self.weights, self.ceil_mode, self.output_shape)
        value = float(ops.pool_reduce(setup, values.reshape(1, -1), ~is_pad.reshape(1, -1))[0])
        winner = None
        if self.kind in ("max", "global_max"):
            winner = tuple(int(t) for t in taps.reshape(-1, len(origin))[int(np.argmax(values))])
        return PoolStep(n, index, origin, _frozen(taps), _frozen(values), winner, value,
                        self.kind, _frozen(is_pad), self.weights)


def _pool_plan(x, size, ndim, **kw) -> PoolPlan:
    setup = ops.pool_setup(x, size, ndim, **kw)
    output = ops.run_pool(setup)
    weights = None if setup.weights is None else _frozen(setup.weights)
    return PoolPlan(x=_frozen(setup.x), size=setup.size, stride=setup.stride, pads=setup.pads,
                    padded=_frozen_fresh(setup.padded, setup.x),
                    is_pad=_frozen_fresh(setup.is_pad, setup.x), kind=setup.kind,
                    weights=weights, ceil_mode=setup.ceil_mode,
                    output=_frozen_fresh(output, setup.x),
                    output_shape=output.shape, n_steps=int(output.size))


def pool1d_plan(x, size, *, stride=None, padding=0, kind="max", weights=None,
                ceil_mode=False) -> PoolPlan:
    """Plan of :func:`cnn_explorer.core.ops.pool1d` with the same arguments."""
    return _pool_plan(x, size, 1, stride=stride, padding=padding, kind=kind, weights=weights,
                      ceil_mode=ceil_mode)


def pool2d_plan(x, size, *, stride=None, padding=0, kind="max", weights=None,
                ceil_mode=False) -> PoolPlan:
    """Plan of :func:`cnn_explorer.core.ops.pool2d` with the same arguments."""
    return _pool_plan(x, size, 2, stride=stride, padding=padding, kind=kind, weights=weights,
                      ceil_mode=ceil_mode)


def pool1d_steps(x, size, **kw) -> Iterator[PoolStep]:
    """Records of every output element of ``ops.pool1d(x, size, **kw)`` in order."""
    return pool1d_plan(x, size, **kw).steps()


def pool2d_steps(x, size, **kw) -> Iterator[PoolStep]:
    """Records of every output element of ``ops.pool2d(x, size, **kw)`` in raster order."""
    return pool2d_plan(x, size, **kw).steps()
