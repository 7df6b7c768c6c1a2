"""Batch normalisation as a layer, with its forward and backward passes."""

import numpy as np

from .layer_base import Layer, _real


class BatchNormalization(Layer):
    """Normalise each channel (last axis) with batch statistics while training, moving ones after.

    Weights in Keras order: gamma, beta (trainable), moving_mean, moving_variance (not trainable).
    """

    base_name = "batch_normalization"

    def __init__(self, momentum=0.99, epsilon=1e-3, name=None):
        super().__init__(name)
        self.momentum = _real(momentum, "momentum", self.name, lambda v: 0 <= v <= 1,
                              "a number in [0, 1]")
        # epsilon <= 0 divides by a zero variance; NaN or inf would make every prediction NaN
        self.epsilon = _real(epsilon, "epsilon", self.name, lambda v: 0 < v <= 1,
                             "a small positive number (at most 1; Keras uses 0.001)")

    def _build(self, input_shape, rng, dtype, source):
        c = input_shape[-1]
        self.weights = [np.ones(c, dtype), np.zeros(c, dtype), np.zeros(c, dtype), np.ones(c, dtype)]
        self.trainable = [True, True, False, False]
        return input_shape

    def _config(self):
        return {"momentum": self.momentum, "epsilon": self.epsilon}

    def core_forward(self, x, training, noise):
        gamma, beta, moving_mean, moving_var = self.weights
        axes = tuple(range(x.ndim - 1))
        if training:
            mean, var = x.mean(axis=axes), x.var(axis=axes)
            moving_mean *= self.momentum
            moving_mean += (1 - self.momentum) * mean
            moving_var *= self.momentum
            moving_var += (1 - self.momentum) * var
        else:
            mean, var = moving_mean, moving_var
        inv_std = 1.0 / np.sqrt(var + self.epsilon)
        xhat = (x - mean) * inv_std
        return gamma * xhat + beta, (xhat, inv_std, training)

    def core_backward(self, dz, cache, need_dx):
        xhat, inv_std, training = cache
        gamma = self.weights[0]
        axes = tuple(range(dz.ndim - 1))
        dgamma, dbeta = (dz * xhat).sum(axis=axes), dz.sum(axis=axes)
        zeros = np.zeros_like(dgamma)
        grads = [dgamma, dbeta, zeros, zeros.copy()]
        if not need_dx:
            return None, grads
        if not training:
            return dz * gamma * inv_std, grads
        m = dz.size // dz.shape[-1]
        dx = (gamma * inv_std / m) * (m * dz - dbeta - xhat * dgamma)
        return dx, grads
