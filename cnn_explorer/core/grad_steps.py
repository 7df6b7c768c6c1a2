"""Step-by-step traces of a convolution's gradients, built from the plans the convolution pages play.

``dL/dk`` is a correlation of the padded input with the error map, so its steps are the steps of
that correlation (:func:`steps.conv2d_plan` on the padded input with the error as the "kernel"):
one record per kernel element, holding the input patch under the error map, the products and
their sum. ``dL/dx`` is a full convolution of the error with the kernel, whose steps give
``dL/dxpad`` cell by cell; a last record per data cell adds up the pad cells that copied it.
Every record's value equals :func:`grad.conv2d_grads` exactly (same terms, same order).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import grad, steps
from .formulas import elide, number
from .validation import frozen

__all__ = ["KernelGradStep", "InputGradStep", "GradPlan", "grad1d_plan", "grad2d_plan"]


@dataclass(frozen=True, eq=False)
class KernelGradStep:
    """One kernel element's gradient: ``dL/dk[index] = Σ error · (input under the error map)``.

    Attributes
    ----------
    n : int
        Kernel element number in raster order (of the kernel as typed).
    index : tuple of int
        The typed kernel element.
    step : steps.ConvStep
        The correlation's record: ``taps`` (padded-input positions under the error cells),
        ``patch`` (their values), ``kernel`` (the error map), ``products`` and ``value``.
    """

    n: int
    index: tuple
    step: steps.ConvStep

    @property
    def value(self) -> float:
        return self.step.value

    def partial_sums(self) -> np.ndarray:
        """Running sums of the products in raster order; the last one is :attr:`value`."""
        return np.cumsum(np.asarray(self.step.products).ravel())

    def formula(self, digits: int = 3, *, max_terms: int | None = 64) -> str:
        """``"0.5·1 + (-0.25)·0 + … = 0.5"``: error first, then the input value it meets."""
        return self.step.formula(digits, max_terms=max_terms)


@dataclass(frozen=True, eq=False)
class InputGradStep:
    """One data cell's gradient: the sum of ``dL/dxpad`` over the padded cells holding its value.

    ``sources`` (m, ndim) are those padded positions in raster order (its own cell, and the pad
    cells that copy it under reflect/replicate/circular padding); ``values`` their gradients.
    """

    n: int
    index: tuple
    sources: np.ndarray
    values: np.ndarray
    value: float

    def formula(self, digits: int = 3) -> str:
        """``"0.5 + (-1) = -0.5"`` (one term when no pad cell copies the cell)."""
        terms = [number(v, digits) if i == 0 or v >= 0 else f"({number(v, digits)})"
                 for i, v in enumerate(self.values)]
        return f"{' + '.join(elide(terms, 64))} = {number(self.value, digits)}"


def _checked(n, shape, what, has, things) -> tuple[int, tuple]:
    """``n`` and its index in ``shape`` (raster order); ``IndexError`` outside it."""
    n, count = int(n), int(np.prod(shape))
    if not 0 <= n < count:
        raise IndexError(f"{what} {n} does not exist: {has} {count} {things} (0 to {count - 1})")
    return n, tuple(int(i) for i in np.unravel_index(n, shape))


@dataclass(frozen=True, eq=False)
class GradPlan:
    """The forward convolution, its gradients for one error map, and random access to their steps.

    Attributes
    ----------
    forward : steps.ConvPlan
        The convolution itself.
    dout : ndarray, the output's shape
        The error ``dL/dy``.
    dx, dk : ndarray
        The gradients (:func:`grad.conv2d_grads`).
    kernel_plan : steps.ConvPlan
        The correlation of the (used) padded input with ``dout`` whose steps make ``dk``.
    input_plan : steps.ConvPlan
        The full convolution of ``dout`` (cells ``stride`` apart) with the kernel; its output is
        ``dL/dxpad`` on the part of the padded input the forward pass reads.
    dpadded : ndarray, the padded input's shape
        ``dL/dxpad`` (zeros where no window reached).
    sources : ndarray of int, the padded input's shape
        The data cell (raster index) each padded cell copies; ``-1`` for zero pad cells.
    """

    forward: steps.ConvPlan
    dout: np.ndarray
    dx: np.ndarray
    dk: np.ndarray
    kernel_plan: steps.ConvPlan
    input_plan: steps.ConvPlan
    dpadded: np.ndarray
    sources: np.ndarray

    @property
    def n_kernel_steps(self) -> int:
        return int(self.dk.size)

    @property
    def n_input_steps(self) -> int:
        return int(self.dx.size)

    def kernel_step(self, n: int) -> KernelGradStep:
        """Record of typed kernel element ``n`` (raster order); ``IndexError`` outside the kernel."""
        n, index = _checked(n, self.dk.shape, "kernel element", "the kernel has", "elements")
        applied = (tuple(s - 1 - i for s, i in zip(self.dk.shape, index)) if self.forward.flip
                   else index)
        return KernelGradStep(n, index, self.kernel_plan.step(self.kernel_plan.step_number(applied)))

    def kernel_steps(self):
        """Every kernel element's record in raster order."""
        return (self.kernel_step(n) for n in range(self.n_kernel_steps))

    def input_step(self, n: int) -> InputGradStep:
        """Record of data cell ``n`` (raster order); ``IndexError`` outside the input."""
        n, index = _checked(n, self.dx.shape, "input cell", "the input has", "cells")
        where = np.argwhere(self.sources == n)              # raster order of the padded input
        values = self.dpadded[tuple(where.T)]
        value = float(np.cumsum(values)[-1])
        return InputGradStep(n, index, frozen(where), frozen(values), value)

    def input_steps(self):
        """Every data cell's record in raster order."""
        return (self.input_step(n) for n in range(self.n_input_steps))


def _grad_plan(x, k, dout, ndim, **kw) -> GradPlan:
    setup = grad.grad_setup(x, k, dout, ndim, **kw)
    conv = setup.conv
    result = grad.run_grads(setup)
    plan = steps.conv2d_plan if ndim == 2 else steps.conv1d_plan
    forward = plan(x, k, **kw)
    kernel_plan = plan(grad.kernel_grad_input(conv), setup.dout, stride=conv.dilation,
                       dilation=conv.stride)
    input_plan = plan(grad.spread_error(setup.dout, conv.stride), conv.applied, padding="full",
                      dilation=conv.dilation, flip=True)
    dpadded = np.zeros(conv.padded.shape)
    dpadded[tuple(slice(0, n) for n in input_plan.output_shape)] = input_plan.output
    return GradPlan(forward, frozen(setup.dout), frozen(result.dx), frozen(result.dk),
                    kernel_plan, input_plan, frozen(dpadded),
                    frozen(grad.pad_sources(conv.x.shape, conv.pads, conv.pad_mode)))


def grad1d_plan(x, k, dout, *, stride=1, padding="valid", pad_mode="zeros", dilation=1,
                anchor=None, flip=False) -> GradPlan:
    """Plan of :func:`grad.conv1d_grads` with the same arguments."""
    return _grad_plan(x, k, dout, 1, stride=stride, padding=padding, pad_mode=pad_mode,
                      dilation=dilation, anchor=anchor, flip=flip)


def grad2d_plan(x, k, dout, *, stride=1, padding="valid", pad_mode="zeros", dilation=1,
                anchor=None, flip=False) -> GradPlan:
    """Plan of :func:`grad.conv2d_grads` with the same arguments."""
    return _grad_plan(x, k, dout, 2, stride=stride, padding=padding, pad_mode=pad_mode,
                      dilation=dilation, anchor=anchor, flip=flip)
