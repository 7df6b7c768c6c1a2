"""One learning iteration told in steps: forward, the error map, dL/dK cell by cell, the update.

The "Learn a kernel" page plays these phases with its stepper; each holds the sentence and the
formula it shows, and, for a gradient cell, the :class:`cnn_explorer.core.grad_steps` record whose
products and partial sums the page draws.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cnn_explorer.core import grad_steps
from cnn_explorer.core.formulas import factor, number
from cnn_explorer.nn.learn import OPTIMISERS, Iteration, LearnSettings

__all__ = ["Phase", "IterationPhases"]

#: Terms of a gradient cell's sum written out (an error map of 64 cells filled four lines).
MAX_TERMS = 24


@dataclass(frozen=True, eq=False)
class Phase:
    """What one step of the iteration shows.

    ``kind`` is ``"forward"``, ``"error"``, ``"gradient"`` or ``"update"``; ``cells_done`` counts
    the gradient cells known at this phase (raster order); ``grad`` is the gradient cell's record
    (None for the other kinds).
    """

    n: int
    kind: str
    title: str
    formula: str
    cells_done: int
    grad: grad_steps.KernelGradStep | None = None


def _cell(index) -> str:
    return ",".join(str(int(i)) for i in index)


class IterationPhases:
    """The phases of iteration ``it`` for kernel ``which`` (0 unless several are learned)."""

    def __init__(self, settings: LearnSettings, it: Iteration, which: int = 0):
        self.settings, self.it, self.which = settings, it, int(which)
        self.kernel = it.kernels[self.which]
        self.target = settings.target_kernels()[self.which]
        self.plan = grad_steps.grad2d_plan(settings.image, self.kernel, it.errors[self.which],
                                           **settings.conv_keywords)
        self.n_weights = int(self.kernel.size)

    @property
    def n_phases(self) -> int:
        return self.n_weights + 3

    def phase(self, n: int) -> Phase:
        """Phase ``n``: 0 forward, 1 error, 2 … 1 + kernel size the gradient cells, last the update."""
        n = min(max(0, int(n)), self.n_phases - 1)
        it, j = self.it, self.which
        if n == 0:
            return Phase(0, "forward", f"Iteration {it.number}, forward: y = input ⋆ K, compared "
                         "with the target output t = input ⋆ T",
                         f"L = mean((y − t)²) = {number(it.losses[j], 4)}", 0)
        if n == 1:
            return Phase(1, "error", "Error map: how much, and which way, each output cell should "
                         "move to lower the loss",
                         f"dL/dy = 2·(y − t) / N,   N = {it.errors[j].size} output cells", 0)
        if n < self.n_phases - 1:
            step = self.plan.kernel_step(n - 2)
            cell = f"dL/dK[{_cell(step.index)}]"
            return Phase(n, "gradient", f"{cell}: the error map laid over the padded input, "
                         "multiplied cell by cell and summed (a correlation)",
                         f"{cell} = Σ dL/dy · input = {step.formula(max_terms=MAX_TERMS)}",
                         n - 1, step)
        return Phase(n, "update", f"Update ({self.settings.optimiser}, learning rate "
                     f"{number(self.settings.learning_rate, 4)}): "
                     f"{OPTIMISERS[self.settings.optimiser]}", self.update_text(), self.n_weights)

    def update_text(self, max_cells: int = 9) -> str:
        """Old and new values cell by cell: ``K[0,0]: 0 − 0.1·(−0.5) = 0.05`` (SGD) or ``0 → 0.05``."""
        old, new = self.kernel, self.it.new_kernels[self.which]
        g, rate = self.it.grads[self.which], self.settings.learning_rate
        parts = []
        for index in list(np.ndindex(old.shape))[:max_cells]:
            if self.settings.optimiser == "SGD":
                parts.append(f"K[{_cell(index)}]: {number(old[index])} − {number(rate, 4)}·"
                             f"{factor(g[index])} = {number(new[index])}")
            else:
                parts.append(f"K[{_cell(index)}]: {number(old[index])} → {number(new[index])}")
        more = old.size - max_cells
        return ";  ".join(parts) + (f";  … {more} more" if more > 0 else "")
