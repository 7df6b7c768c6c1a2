"""Convolution gradients against central finite differences, the identities, and autograd."""

import numpy as np
import pytest

from cnn_explorer.core import grad, ops
from cnn_explorer.core.padding import PAD_MODES

from grad_configs import PADDING_KINDS, random_configs

N_CONFIGS = 520


def _conv(ndim):
    return ops.conv1d if ndim == 1 else ops.conv2d


def _grads(ndim):
    return grad.conv1d_grads if ndim == 1 else grad.conv2d_grads


def _central_difference(f, a, eps=1e-3):
    # L = Σ y·dout is linear in x and in k: the central difference is exact up to rounding
    g = np.zeros_like(a)
    for i in np.ndindex(a.shape):
        up, down = a.copy(), a.copy()
        up[i] += eps
        down[i] -= eps
        g[i] = (f(up) - f(down)) / (2 * eps)
    return g


@pytest.fixture(scope="module")
def configs():
    return random_configs(np.random.default_rng(12), N_CONFIGS)


def test_configs_cover_every_padding_kind_and_mode(configs):
    seen = {(kw["pad_mode"], kind) for _, _, _, kw, kind in configs}
    assert seen == {(m, k) for m in PAD_MODES for k in PADDING_KINDS}
    assert any(max(kw["stride"]) > 1 for *_, kw, _ in configs)
    assert any(max(kw["dilation"]) > 1 for *_, kw, _ in configs)
    assert any(kw["flip"] for *_, kw, _ in configs) and any(kw["anchor"] for *_, kw, _ in configs)
    assert {x.ndim for x, *_ in configs} == {1, 2}


def test_gradients_match_central_differences(configs):
    for x, k, dout, kw, _ in configs:
        conv = _conv(x.ndim)
        dx, dk = _grads(x.ndim)(x, k, dout, **kw)
        fd_x = _central_difference(lambda a: np.sum(conv(a, k, **kw) * dout), x)
        fd_k = _central_difference(lambda a: np.sum(conv(x, a, **kw) * dout), k)
        assert dx.shape == x.shape and dk.shape == k.shape
        np.testing.assert_allclose(dx, fd_x, atol=1e-8, err_msg=str(kw))
        np.testing.assert_allclose(dk, fd_k, atol=1e-8, err_msg=str(kw))


def test_dk_is_the_padded_input_correlated_with_the_error(configs):
    for x, k, dout, kw, _ in configs:
        setup = ops.conv_setup(x, k, x.ndim, **kw)
        dk = _conv(x.ndim)(grad.kernel_grad_input(setup), dout, stride=setup.dilation,
                           dilation=setup.stride)
        if kw["flip"]:
            dk = dk[(slice(None, None, -1),) * x.ndim]
        np.testing.assert_array_equal(_grads(x.ndim)(x, k, dout, **kw).dk, dk)


def test_dx_is_a_full_convolution_of_the_error_with_the_kernel(rng):
    # stride 1, zero "valid" padding: dx = full true convolution of dout with k
    from scipy.signal import convolve2d
    x, k = rng.normal(size=(6, 7)), rng.normal(size=(3, 2))
    dout = rng.normal(size=ops.conv2d(x, k).shape)
    np.testing.assert_allclose(grad.conv2d_grads(x, k, dout).dx, convolve2d(dout, k, mode="full"),
                               atol=1e-12)
    # and written with ops: correlating the fully padded error with the kernel turned by 180°
    np.testing.assert_allclose(grad.conv2d_grads(x, k, dout).dx,
                               ops.conv2d(dout, k[::-1, ::-1], padding="full"), atol=1e-12)


def test_pad_cells_send_their_gradient_back_to_the_cells_they_copied():
    # replicate padding 2 on the left: x[0] is read three times by [1] (itself and two copies)
    x, k = np.array([1.0, 2.0, 3.0]), np.array([1.0])
    g = grad.conv1d_grads(x, k, np.ones(5), padding=(2, 0), pad_mode="replicate")
    np.testing.assert_array_equal(g.dx, [3, 1, 1])
    g = grad.conv1d_grads(x, k, np.ones(5), padding=(2, 0), pad_mode="reflect")   # 3 2 | 1 2 3
    np.testing.assert_array_equal(g.dx, [1, 2, 2])
    g = grad.conv1d_grads(x, k, np.ones(5), padding=(2, 0), pad_mode="circular")  # 2 3 | 1 2 3
    np.testing.assert_array_equal(g.dx, [1, 2, 2])
    g = grad.conv1d_grads(x, k, np.ones(5), padding=(2, 0))                       # 0 0 | 1 2 3
    np.testing.assert_array_equal(g.dx, [1, 1, 1])


@pytest.mark.parametrize("bad, message", [
    (dict(dout=np.ones((2, 2))), "must match cell for cell"),
    (dict(dout=[[np.nan] * 4] * 4), "finite"),
    (dict(dout=np.full((4, 4), 1e300), k=np.full((3, 3), 1e300)), "overflows"),
    (dict(stride=0), "stride"),
    (dict(pad_mode="mirror"), "pad mode"),
])
def test_bad_arguments_raise_value_error(bad, message):
    args = dict(x=np.ones((6, 6)), k=np.ones((3, 3)), dout=np.ones((4, 4)))
    args.update(bad)
    with pytest.raises(ValueError, match=message):
        grad.conv2d_grads(args.pop("x"), args.pop("k"), args.pop("dout"), **args)


def test_gradients_match_torch_autograd(configs):
    torch = pytest.importorskip("torch")
    functional = torch.nn.functional
    torch_modes = {"zeros": "constant", "reflect": "reflect", "replicate": "replicate",
                   "circular": "circular"}
    for x, k, dout, kw, _ in configs:
        setup = ops.conv_setup(x, k, x.ndim, **kw)
        tx = torch.tensor(x[None, None], dtype=torch.float64, requires_grad=True)
        tk = torch.tensor(k[None, None], dtype=torch.float64, requires_grad=True)
        # torch's F.pad lists the last axis first
        amounts = [v for pair in reversed(setup.pads) for v in pair]
        padded = functional.pad(tx, amounts, mode=torch_modes[kw["pad_mode"]])
        weight = torch.flip(tk, dims=tuple(range(2, 2 + x.ndim))) if kw["flip"] else tk
        conv = functional.conv1d if x.ndim == 1 else functional.conv2d
        y = conv(padded, weight, stride=setup.stride, dilation=setup.dilation)
        np.testing.assert_allclose(y.detach().numpy()[0, 0], _conv(x.ndim)(x, k, **kw), atol=1e-12)
        y.backward(torch.tensor(dout[None, None]))
        dx, dk = _grads(x.ndim)(x, k, dout, **kw)
        np.testing.assert_allclose(dx, tx.grad.numpy()[0, 0], atol=1e-12, err_msg=str(kw))
        np.testing.assert_allclose(dk, tk.grad.numpy()[0, 0], atol=1e-12, err_msg=str(kw))
