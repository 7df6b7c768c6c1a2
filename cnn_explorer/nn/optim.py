"""Optimisers with Keras's update rules and defaults; their state can be saved and restored.

Each optimiser updates a list of weight arrays in place from a list of gradients of the same
shapes. Per-weight state (velocities, moments) lives in lists parallel to the weights, so
:meth:`Optimizer.get_state` / :meth:`Optimizer.set_state` round-trip it exactly for resuming.
"""

import numpy as np

from cnn_explorer.core.validation import as_real


def _fraction(value, what):
    """A number in [0, 1): a decay rate or an epsilon; ValueError otherwise."""
    number = as_real(value, what)
    if not 0 <= number < 1:
        raise ValueError(f"{what} must be a number in [0, 1), got {value!r:.40}")
    return number


class Optimizer:
    """Base class: learning rate, step counter, state slots."""

    name = "optimizer"
    slots = ()

    def __init__(self, learning_rate):
        self.learning_rate = as_real(learning_rate, "learning rate")
        if self.learning_rate <= 0:
            raise ValueError(f"learning rate must be a positive number, got {learning_rate!r}")
        self.iterations = 0
        self.state = {}

    def apply(self, weights, grads, trainable=None):
        """One update of ``weights`` (in place) from ``grads``; ``trainable`` masks out weights."""
        if not self.state:
            self.state = {s: [np.zeros_like(w) for w in weights] for s in self.slots}
        self.iterations += 1
        for i, (w, g) in enumerate(zip(weights, grads)):
            if trainable is None or trainable[i]:
                self._update(i, w, g.astype(w.dtype, copy=False))

    def _update(self, i, w, g):
        raise NotImplementedError

    def get_config(self):
        """JSON-able hyper-parameters (the class name under ``"name"``)."""
        return {"name": self.name, "learning_rate": self.learning_rate}

    def get_state(self):
        """``(info, arrays)``: the step counter and copies of every state array."""
        arrays = [a.copy() for s in self.slots for a in self.state.get(s, [])]
        return {"iterations": self.iterations, "slots": list(self.slots)}, arrays

    def set_state(self, info, arrays):
        """Restore what :meth:`get_state` returned (ValueError if it does not fit)."""
        if arrays and len(arrays) % len(self.slots):
            raise ValueError(f"{self.name} state has {len(arrays)} arrays for slots {self.slots}")
        per = len(arrays) // len(self.slots) if self.slots else 0
        self.state = {s: [np.array(a) for a in arrays[k * per:(k + 1) * per]]
                      for k, s in enumerate(self.slots)} if arrays else {}
        self.iterations = int(info.get("iterations", 0))


class SGD(Optimizer):
    """Stochastic gradient descent with optional (Nesterov) momentum, as in Keras."""

    name = "sgd"
    slots = ("velocity",)

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False):
        super().__init__(learning_rate)
        self.momentum = _fraction(momentum, "momentum")
        self.nesterov = bool(nesterov)

    def _update(self, i, w, g):
        lr = w.dtype.type(self.learning_rate)
        if self.momentum == 0:
            w -= lr * g
            return
        v = self.state["velocity"][i]
        v *= w.dtype.type(self.momentum)
        v -= lr * g
        if self.nesterov:
            w += w.dtype.type(self.momentum) * v - lr * g
        else:
            w += v

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}


class Adam(Optimizer):
    """Adam with Keras's defaults (epsilon 1e-7, bias correction folded into the step size)."""

    name = "adam"
    slots = ("m", "v")

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
        super().__init__(learning_rate)
        self.beta_1, self.beta_2 = _fraction(beta_1, "beta_1"), _fraction(beta_2, "beta_2")
        self.epsilon = _fraction(epsilon, "epsilon")

    def apply(self, weights, grads, trainable=None):
        t = self.iterations + 1
        self._alpha = self.learning_rate * np.sqrt(1 - self.beta_2 ** t) / (1 - self.beta_1 ** t)
        super().apply(weights, grads, trainable)

    def _update(self, i, w, g):
        f = w.dtype.type
        m, v = self.state["m"][i], self.state["v"][i]
        m += f(1 - self.beta_1) * (g - m)
        v += f(1 - self.beta_2) * (g * g - v)
        w -= f(self._alpha) * m / (np.sqrt(v) + f(self.epsilon))

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon}


class RMSprop(Optimizer):
    """RMSprop as in Keras: ``w -= lr * g / (sqrt(mean_square) + epsilon)``."""

    name = "rmsprop"
    slots = ("mean_square",)

    def __init__(self, learning_rate=0.001, rho=0.9, epsilon=1e-7):
        super().__init__(learning_rate)
        self.rho, self.epsilon = _fraction(rho, "rho"), _fraction(epsilon, "epsilon")

    def _update(self, i, w, g):
        f = w.dtype.type
        ms = self.state["mean_square"][i]
        ms += f(1 - self.rho) * (g * g - ms)
        w -= f(self.learning_rate) * g / (np.sqrt(ms) + f(self.epsilon))

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}


OPTIMIZERS = {cls.name: cls for cls in (SGD, Adam, RMSprop)}


def get(name_or_config, learning_rate=None):
    """An optimiser from a name ("adam", "sgd", "rmsprop") or a :meth:`Optimizer.get_config` dict."""
    if not isinstance(name_or_config, (str, dict)):
        raise ValueError(f"an optimizer is a name or a record, got {name_or_config!r:.40}")
    config = {"name": name_or_config} if isinstance(name_or_config, str) else dict(name_or_config)
    name = str(config.pop("name", "")).lower()
    if name not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZERS)}")
    if learning_rate is not None:
        config["learning_rate"] = learning_rate
    try:
        return OPTIMIZERS[name](**config)
    except TypeError as exc:
        raise ValueError(f"bad settings for optimizer {name!r}: {exc}") from None
