"""The gradient traces reproduce core.grad exactly, record by record."""

import numpy as np
import pytest

from cnn_explorer.core import grad, grad_steps, kernels

from grad_configs import random_configs


def _plan(ndim):
    return grad_steps.grad1d_plan if ndim == 1 else grad_steps.grad2d_plan


def test_traces_reproduce_the_gradients_exactly():
    for x, k, dout, kw, _ in random_configs(np.random.default_rng(7), 200):
        plan = _plan(x.ndim)(x, k, dout, **kw)
        dx, dk = (grad.conv1d_grads if x.ndim == 1 else grad.conv2d_grads)(x, k, dout, **kw)
        np.testing.assert_array_equal(plan.dk, dk)
        np.testing.assert_array_equal(plan.dx, dx)
        traced_dk = np.array([s.value for s in plan.kernel_steps()]).reshape(k.shape)
        traced_dx = np.array([s.value for s in plan.input_steps()]).reshape(x.shape)
        assert np.array_equal(traced_dk, dk) and np.array_equal(traced_dx, dx), kw
        # dL/dxpad cell by cell: the full convolution's steps, in the padded input's frame
        interior = np.array([s.value for s in plan.input_plan.steps()])
        np.testing.assert_array_equal(interior, np.asarray(plan.input_plan.output).ravel())


def test_a_kernel_record_shows_the_patch_under_the_error_map():
    x = kernels.GUIDE_EDGE_IMAGE
    dout = np.arange(16.0).reshape(4, 4) / 16
    plan = grad_steps.grad2d_plan(x, kernels.PRESETS["sobel x"].values, dout)
    step = plan.kernel_step(5)                       # row 1, column 2
    assert step.index == (1, 2)
    np.testing.assert_array_equal(step.step.patch, x[1:5, 2:6])
    np.testing.assert_array_equal(step.step.kernel, dout)
    np.testing.assert_array_equal(step.step.products, dout * x[1:5, 2:6])
    sums = step.partial_sums()
    assert sums[-1] == step.value == plan.dk[1, 2]
    assert step.formula().endswith(f"= {step.value:g}")


def test_flipped_kernel_records_follow_the_typed_element():
    x, k = np.arange(8.0), np.array([1.0, 2.0, 5.0])
    dout = np.array([1.0, 0, 0, 0, 0, 0])
    plan = grad_steps.grad1d_plan(x, k, dout, flip=True)
    # y[0] = k[2]·x[0] + k[1]·x[1] + k[0]·x[2]: dL/dk[0] = x[2]
    assert [s.value for s in plan.kernel_steps()] == [2.0, 1.0, 0.0]


def test_an_input_record_lists_the_pad_cells_that_copied_it():
    plan = grad_steps.grad1d_plan([1.0, 2.0, 3.0], [1.0], np.ones(5), padding=(2, 0),
                                  pad_mode="replicate")
    step = plan.input_step(0)
    assert step.sources.tolist() == [[0], [1], [2]] and step.value == 3
    assert step.formula() == "1 + 1 + 1 = 3"
    with pytest.raises(IndexError):
        plan.input_step(3)
    with pytest.raises(IndexError):
        plan.kernel_step(1)
