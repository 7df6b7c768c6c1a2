"""One iteration told in phases: forward, error map, dL/dK cell by cell, update."""

import numpy as np

from cnn_explorer.core import kernels
from cnn_explorer.nn.learn import KernelLearner, LearnSettings
from cnn_explorer.nn.learn_phases import IterationPhases


def _phases(**kw):
    settings = LearnSettings(kernels.GUIDE_EDGE_IMAGE, "edge", **kw)
    learner = KernelLearner(settings)
    return IterationPhases(settings, learner.peek())


def test_phases_run_forward_error_every_gradient_cell_then_the_update():
    phases = _phases()
    kinds = [phases.phase(n).kind for n in range(phases.n_phases)]
    assert kinds == ["forward", "error"] + ["gradient"] * 9 + ["update"]
    assert phases.phase(0).formula.startswith("L = mean((y − t)²) = ")
    assert "N = 64 output cells" in phases.phase(1).formula
    assert phases.phase(99).kind == "update"                 # clamped, as a stepper may ask


def test_each_gradient_phase_is_the_traced_sum_of_its_cell():
    phases = _phases(start="random")
    for n in range(2, 11):
        phase = phases.phase(n)
        assert phase.cells_done == n - 1
        assert phase.grad.value == phases.it.grads[0].ravel()[n - 2]
        assert phase.grad.partial_sums()[-1] == phase.grad.value
        assert phase.formula.startswith(f"dL/dK[{(n - 2) // 3},{(n - 2) % 3}] = Σ dL/dy · input")


def test_the_update_writes_old_and_new_values():
    phases = _phases(optimiser="SGD", learning_rate=0.5, start="sobel y")
    text = phases.phase(phases.n_phases - 1).formula
    g = phases.it.grads[0]
    new = phases.it.new_kernels[0]
    np.testing.assert_allclose(new, kernels.PRESETS["sobel y"].values - 0.5 * g)
    assert text.startswith("K[0,0]: -1 − 0.5·")
    assert _phases(optimiser="Adam").update_text().startswith("K[0,0]: 0 → ")
