"""The Learn a kernel page, driven as a student would: a target, one gradient computed cell by
cell, a run of 50 iterations, a learning rate that diverges, several kernels, undo."""

import numpy as np
import pytest
from explorer_helpers import choose, forward, open_page, shown
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from cnn_explorer.core import grad, kernels, ops
from cnn_explorer.core.formulas import number
from cnn_explorer.gui.pages.backprop.learn_page import LearnKernelPage

EDGE = np.asarray(kernels.GUIDE_EDGE_IMAGE, dtype=float)


@pytest.fixture
def page(qtbot):
    return open_page(qtbot, LearnKernelPage)


def _run(qtbot, page, iterations):
    page.controls.speed.setValue(1000)
    qtbot.mouseClick(page.controls.run_button, Qt.LeftButton)
    assert page.controls.run_button.text() == "Pause"
    qtbot.waitUntil(lambda: page.learner.iteration >= iterations or bool(page.learner.diverged),
                    timeout=20000)
    qtbot.mouseClick(page.controls.run_button, Qt.LeftButton)


def test_starts_on_sobel_x_from_zeros_on_the_guides_edge_image(page):
    assert page.controls.input.currentText() == "guide's vertical edge"
    assert page.controls.target.currentText() == "sobel x"
    np.testing.assert_array_equal(shown(page.views.kernel_map), np.zeros((3, 3)))
    np.testing.assert_array_equal(shown(page.views.target_map), kernels.PRESETS["sobel x"].values)
    assert "Iteration 0" in page.views.status.text()
    assert "Inside the image only 3 of the kernel's 9 numbers" in page.views.status.text()
    assert page.title.text().startswith("Iteration 1, forward")


def test_one_gradient_computed_cell_by_cell(qtbot, page):
    choose(page.controls.target, "prewitt x")
    target = kernels.PRESETS["prewitt x"].values
    t = ops.conv2d(EDGE, target, padding="full")
    error = 2 * (0 - t) / t.size                 # the kernel starts at zeros: y = 0
    expected = grad.conv2d_grads(EDGE, np.zeros((3, 3)), error, padding="full").dk

    forward(qtbot, page, 1)
    assert page.title.text().startswith("Error map")
    np.testing.assert_allclose(shown(page.views.error_map), error)
    for cell in range(9):
        forward(qtbot, page, 1)
        r, c = divmod(cell, 3)
        assert page.title.text().startswith(f"dL/dK[{r},{c}]")
        dk = shown(page.views.grad_map).ravel()
        # the cells computed so far, each the sum written below it; the rest still empty
        np.testing.assert_allclose(dk[:cell + 1], expected.ravel()[:cell + 1], atol=1e-15)
        assert np.isnan(dk[cell + 1:]).all()
        assert page.formula.text().endswith(f"= {number(expected[r, c])}")
        # the error map (8×8) lies over the padded input (10×10) from row r, column c
        assert sorted(page.views.input_map.window_cells()) == [
            (r + i, c + j) for i in range(8) for j in range(8)]
        np.testing.assert_allclose(shown(page.views.products_map),
                                   error * np.pad(EDGE, 2)[r:r + 8, c:c + 8])
    forward(qtbot, page, 1)
    assert page.title.text().startswith("Update (momentum, learning rate 0.1)")
    new = -0.1 * expected                                  # v = −lr·g from v = 0
    np.testing.assert_allclose(shown(page.views.new_kernel_map), new)
    qtbot.mouseClick(page.controls.iterate_button, Qt.LeftButton)
    np.testing.assert_allclose(shown(page.views.kernel_map), new)
    assert "Iteration 1" in page.views.status.text()
    assert page.stepper.step() == 0                       # the next iteration, from its start


def test_fifty_iterations_bring_the_kernel_towards_the_target(qtbot, page):
    start_distance = page.learner.distance()
    _run(qtbot, page, 50)
    assert not page.running() and page.controls.run_button.text() == "Run"
    learner = page.learner
    assert learner.iteration >= 50
    assert learner.losses[-1] < 0.1 * learner.losses[0]
    assert learner.distance() < 0.5 * start_distance
    np.testing.assert_array_equal(shown(page.views.kernel_map), learner.kernels[0])
    losses, distances = page.views.curves.data()
    assert len(losses) == learner.iteration + 1 and losses[-1] < losses[0]
    assert f"Iteration {learner.iteration}" in page.views.status.text()


def test_a_diverging_learning_rate_stops_and_keeps_the_last_finite_kernel(qtbot, page):
    choose(page.controls.padding, "same")
    choose(page.controls.optimiser, "SGD")
    page.controls.rate.setValue(0.6)
    assert page.state.learning_rate == 0.6 and page.state.optimiser == "SGD"
    _run(qtbot, page, 200)
    assert page.message.isVisible()
    text = page.message.text()
    assert "loss grew from 1.1 to" in text and "try a learning rate below 0.3" in text
    assert not page.running()
    kernel = shown(page.views.kernel_map)
    assert np.isfinite(kernel).all()
    np.testing.assert_array_equal(kernel, page.learner.kernels[0])
    # a smaller rate (as suggested) learns again from the start
    page.controls.rate.setValue(0.3)
    assert not page.message.isVisible() and page.learner.iteration == 0


def test_a_flat_image_says_why_the_target_cannot_be_found(page):
    choose(page.controls.input, "flat grey")
    choose(page.controls.padding, "valid")
    assert "only 1 of the kernel's 9 numbers" in page.views.status.text()
    page.learner.run(200)
    assert page.learner.losses[-1] < 1e-10 and page.learner.distance() > 1


def test_several_kernels_learn_several_targets(qtbot, page):
    choose(page.controls.mode, "several kernels at once")
    assert page.state.targets == ("sobel x", "sobel y", "laplacian 4", "box blur 3×3")
    assert page.views.bank.isVisible() and len(page.views.bank.maps) == 4
    assert page.controls.targets.isVisible() and not page.controls.target.isVisible()
    _run(qtbot, page, 20)
    page.views.bank.sigChosen.emit(1)
    np.testing.assert_array_equal(shown(page.views.target_map), kernels.PRESETS["sobel y"].values)
    np.testing.assert_array_equal(shown(page.views.kernel_map), page.learner.kernels[1])
    assert page.views.bank.maps[1].title.text().startswith("▶ K2 → sobel y")
    # unticking a target is an edit too
    page.controls.targets.item(page.controls.targets.row(
        page.controls.targets.findItems("box blur 3×3", Qt.MatchExactly)[0])).setCheckState(
        Qt.Unchecked)
    assert page.state.targets == ("sobel x", "sobel y", "laplacian 4")


def test_a_refused_choice_is_explained_and_undo_brings_settings_back(qtbot, page):
    choose(page.controls.start, "gaussian 5×5")
    assert page.message.isVisible() and "start gaussian 5×5 is 5×5" in page.message.text()
    assert page.controls.start.currentText() == "zeros" and page.state.start == "zeros"
    choose(page.controls.target, "laplacian 8")
    choose(page.controls.start, "random")
    assert page.undo_stack.count() == 2
    page.undo_stack.undo()
    assert page.controls.start.currentText() == "zeros"
    page.undo_stack.undo()
    assert page.controls.target.currentText() == "sobel x"
    np.testing.assert_array_equal(shown(page.views.target_map), kernels.PRESETS["sobel x"].values)


def test_keyboard_runs_and_steps(qtbot, page):
    qtbot.keySequence(page, QKeySequence("Ctrl+I"))
    assert page.learner.iteration == 1
    qtbot.keySequence(page, QKeySequence("Ctrl+R"))
    assert page.running()
    qtbot.keySequence(page, QKeySequence("Ctrl+R"))
    assert not page.running()
    qtbot.keySequence(page, QKeySequence("Ctrl+Backspace"))
    assert page.learner.iteration == 0
