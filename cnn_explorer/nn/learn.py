"""Learning a kernel by gradient descent: the "Learn a kernel" page's settings and its loop.

The problem is the one a convolution layer solves, small enough to watch: given an image and the
output a *target* kernel makes of it, find the kernel again from a start (zeros, random numbers or
a preset) by descending the mean squared error. Each kernel ``K_j`` is fitted to its own target
``T_j``; the loss is the sum of their errors

    L = Σ_j mean((conv(x, K_j) − conv(x, T_j))²),    dL/dy_j = 2·(y_j − t_j) / N,

and ``dL/dK_j`` comes from :func:`cnn_explorer.core.grad.conv2d_grads`. The loss is quadratic in
each kernel, so two facts follow from the data alone: how many of the kernel's numbers the data
pins down (the rank of the patches), and the largest learning rate plain SGD survives.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, fields

import numpy as np

from cnn_explorer.core import grad, kernels, ops
from cnn_explorer.core.samples import grid_presets
from cnn_explorer.core.validation import as_float_array, shape_text
from cnn_explorer.nn import optim

__all__ = ["OPTIMISERS", "PADDINGS", "MAX_IMAGE_SIDE", "LearnSettings", "Iteration",
           "KernelLearner", "short_number", "input_presets", "rank_text"]

#: Optimiser names offered, each with its update rule (Keras's, from :mod:`cnn_explorer.nn.optim`).
OPTIMISERS = {
    "SGD": "K ← K − lr·dL/dK",
    "momentum": "v ← 0.9·v − lr·dL/dK;  K ← K + v",
    "Adam": "K ← K − lr·m̂ / (√v̂ + ε)  (moving averages of dL/dK and its square)",
}
MOMENTUM = 0.9
PADDINGS = ("valid", "same", "full")
#: Largest image side: each step of the page redraws every cell.
MAX_IMAGE_SIDE = 64
#: A loss this many times the starting one (or not finite) means the descent diverged.
DIVERGENCE_FACTOR = 1000.0


def input_presets() -> dict[str, np.ndarray]:
    """Inputs to learn from: the explorer's small grids and a flat grey image (which cannot tell
    kernels apart: every patch of it is the same)."""
    return {**grid_presets(), "flat grey": np.full((6, 6), 0.5)}


def rank_text(rank: int, n_weights: int, inside_rank: int | None = None) -> str:
    """Why the data can, or cannot, give the target kernel back.

    ``rank`` counts the kernel numbers the input and its padding pin down; ``inside_rank`` those
    the image alone pins down (no padding), when the kernel fits inside it.
    """
    if rank == n_weights and inside_rank is not None and inside_rank < n_weights:
        return (f"Inside the image only {inside_rank} of the kernel's {n_weights} numbers can be "
                "told apart; the padding's border pins down the rest, so learning still finds "
                "the target (try padding valid to see it fail).")
    if rank == n_weights:
        return (f"This input pins down all {n_weights} numbers of the kernel: only the target "
                "makes the target output, so learning finds it.")
    return (f"This input pins down only {rank} of the kernel's {n_weights} numbers: "
            f"{n_weights - rank} combination{'s' * (n_weights - rank != 1)} of them change nothing "
            "in the output, so a kernel can match the output without being the target. "
            "Richer data (or a border: padding) tells them apart.")


def short_number(value: float) -> str:
    """``0.4``, ``12``, ``290``, ``3e8``, ``2.5e-5``: two significant digits, short exponents."""
    value = float(value)
    if not math.isfinite(value):
        return "∞" if value > 0 else ("-∞" if value < 0 else "NaN")
    if value != 0 and not 1e-3 <= abs(value) < 1e4:
        mantissa, exponent = f"{value:.1e}".split("e")
        return f"{mantissa.rstrip('0').rstrip('.')}e{int(exponent)}"
    return f"{float(f'{value:.2g}'):g}"          # 291 -> "290", not "2.9e+02"


@dataclass(frozen=True, eq=False)
class LearnSettings:
    """Everything the learning depends on (the page's state), checked on construction.

    Attributes
    ----------
    image : ndarray, shape (h, w)
        The input (read-only copy), at most :data:`MAX_IMAGE_SIDE` a side.
    image_name : str
        What the input is called in menus.
    targets : tuple of str
        Names of :data:`cnn_explorer.core.kernels.PRESETS` (2D, one shape): one kernel is learned
        for each.
    start : str
        ``"zeros"``, ``"random"`` or a preset name of the targets' shape.
    optimiser : str
        A key of :data:`OPTIMISERS`.
    learning_rate : float
        Positive and finite.
    padding, pad_mode : str
        As in :func:`cnn_explorer.core.ops.conv2d` (one of :data:`PADDINGS`; any pad mode).
    seed : int
        Seed of the random start.
    """

    image: np.ndarray
    image_name: str
    targets: tuple = ("sobel x",)
    start: str = "zeros"
    optimiser: str = "momentum"
    learning_rate: float = 0.1
    padding: str = "full"
    pad_mode: str = "zeros"
    seed: int = 0

    def __post_init__(self):
        image = np.array(as_float_array(self.image, name="image", ndim=2))
        if max(image.shape) > MAX_IMAGE_SIDE:
            raise ValueError(f"the image is {shape_text(image.shape)}: at most {MAX_IMAGE_SIDE} "
                             f"on a side here (each step redraws every cell)")
        image.setflags(write=False)
        object.__setattr__(self, "image", image)
        object.__setattr__(self, "targets", tuple(self.targets))
        if not self.targets:
            raise ValueError("choose at least one target kernel")
        shapes = {self._preset(name).values.shape for name in self.targets}
        if len(shapes) > 1:
            raise ValueError("kernels learned together need one shape: "
                             + ", ".join(f"{n} is {shape_text(self._preset(n).values.shape)}"
                                         for n in self.targets))
        if self.start not in ("zeros", "random"):
            shape = self._preset(self.start).values.shape
            if shape != self.kernel_shape:
                raise ValueError(f"the start {self.start} is {shape_text(shape)} but the target is "
                                 f"{shape_text(self.kernel_shape)}: start from zeros or random")
        if self.optimiser not in OPTIMISERS:
            raise ValueError(f"unknown optimiser {self.optimiser!r}: use one of "
                             f"{', '.join(OPTIMISERS)}")
        rate = float(self.learning_rate)
        if not math.isfinite(rate) or rate <= 0:
            raise ValueError(f"the learning rate must be a positive number (got {self.learning_rate})")
        object.__setattr__(self, "learning_rate", rate)
        if self.padding not in PADDINGS:
            raise ValueError(f"padding must be one of {', '.join(PADDINGS)} (got {self.padding!r})")
        ops.conv2d(self.image, np.zeros(self.kernel_shape), **self.conv_keywords)

    @staticmethod
    def _preset(name) -> kernels.Preset:
        preset = kernels.PRESETS.get(name)
        if preset is None or preset.dims != 2:
            raise ValueError(f"unknown 2D kernel preset {name!r}")
        return preset

    @property
    def kernel_shape(self) -> tuple:
        return self._preset(self.targets[0]).values.shape

    @property
    def conv_keywords(self) -> dict:
        return {"padding": self.padding, "pad_mode": self.pad_mode}

    def target_kernels(self) -> list[np.ndarray]:
        return [np.array(self._preset(name).values) for name in self.targets]

    def start_kernels(self) -> list[np.ndarray]:
        """The kernels before the first iteration (a random start draws one per target)."""
        if self.start == "zeros":
            return [np.zeros(self.kernel_shape) for _ in self.targets]
        if self.start == "random":
            rng = np.random.default_rng(self.seed)
            return [np.round(rng.normal(0.0, 1.0, self.kernel_shape), 2) for _ in self.targets]
        return [np.array(self._preset(self.start).values) for _ in self.targets]

    def __eq__(self, other):
        if type(other) is not type(self):
            return NotImplemented
        return all(np.array_equal(getattr(self, f.name), getattr(other, f.name))
                   if f.name == "image" else getattr(self, f.name) == getattr(other, f.name)
                   for f in fields(self))

    __hash__ = None


@dataclass(frozen=True, eq=False)
class Iteration:
    """One gradient-descent step on every kernel (lists hold one array per kernel).

    ``number`` counts from 1; ``kernels`` are the values before the step and ``new_kernels``
    after it; ``errors`` are ``dL/dy``; ``losses`` each kernel's MSE (``loss`` their sum).
    """

    number: int
    kernels: tuple
    outputs: tuple
    targets: tuple
    errors: tuple
    grads: tuple
    new_kernels: tuple
    losses: tuple
    loss: float


class KernelLearner:
    """The loop the page runs: kernels, optimiser state, the loss history, and divergence.

    A diverging step is never taken: :attr:`diverged` then says why (with a learning rate that
    would work) and the kernels stay at their last finite values.
    """

    def __init__(self, settings: LearnSettings):
        self.settings = settings
        self.kernels = settings.start_kernels()
        self.target_kernels = settings.target_kernels()
        conv = settings.conv_keywords
        self.target_outputs = [ops.conv2d(settings.image, t, **conv) for t in self.target_kernels]
        rate = settings.learning_rate
        self.optimiser = {"SGD": lambda: optim.SGD(rate),
                          "momentum": lambda: optim.SGD(rate, momentum=MOMENTUM),
                          "Adam": lambda: optim.Adam(rate)}[settings.optimiser]()
        self.losses: list[float] = []       # loss before each step taken, then the current one
        self.distances: list[float] = []    # max |K − T| over every kernel, alongside
        self.diverged = ""
        self._patches = self._patches_with(**conv)
        self._rank = int(np.linalg.matrix_rank(self._patches))
        try:
            self._inside_rank = int(np.linalg.matrix_rank(self._patches_with(padding="valid")))
        except ValueError:                      # the kernel is larger than the image itself
            self._inside_rank = None
        self._record()

    def _patches_with(self, **conv) -> np.ndarray:
        """The input patch under every output cell, one row each: shape (outputs, n_weights)."""
        units = np.eye(self.n_weights).reshape((-1,) + self.settings.kernel_shape)
        return np.stack([ops.conv2d(self.settings.image, unit, **conv).ravel() for unit in units],
                        axis=1)

    @property
    def n_weights(self) -> int:
        return int(np.prod(self.settings.kernel_shape))

    @property
    def iteration(self) -> int:
        """Steps taken so far."""
        return len(self.losses) - 1

    def rank(self) -> int:
        """How many of a kernel's numbers the image pins down (rank of its patches, ≤ n_weights)."""
        return self._rank

    def inside_rank(self) -> int | None:
        """:meth:`rank` without padding: what the image alone pins down (None if it is too small)."""
        return self._inside_rank

    def stable_learning_rate(self) -> float | None:
        """The largest learning rate that does not diverge for SGD and momentum (None for Adam).

        The loss is quadratic with Hessian ``H = 2/N·PᵀP`` (``P`` the patches): SGD is stable
        below ``2/λmax(H)``, heavy-ball momentum ``β`` below ``2(1+β)/λmax(H)``.
        """
        if self.settings.optimiser == "Adam":
            return None
        patches = self._patches
        top = float(np.linalg.eigvalsh(2.0 / len(patches) * patches.T @ patches)[-1])
        if top <= 0:
            return None
        return (2.0 if self.settings.optimiser == "SGD" else 2.0 * (1 + MOMENTUM)) / top

    def peek(self) -> Iteration:
        """The next step, computed without taking it (forward, errors, gradients, new values).

        Raises ``ValueError`` if a number overflows (the page then says so and keeps the kernels).
        """
        image, conv = self.settings.image, self.settings.conv_keywords
        outputs, errors, grads, losses = [], [], [], []
        for kernel, target in zip(self.kernels, self.target_outputs):
            y = ops.conv2d(image, kernel, **conv)
            with np.errstate(over="ignore", invalid="ignore"):
                diff = y - target
                losses.append(float(np.mean(diff * diff)))
            error = 2.0 * diff / diff.size
            outputs.append(y)
            errors.append(error)
            grads.append(grad.conv2d_grads(image, kernel, error, **conv).dk)
        new = [k.copy() for k in self.kernels]
        trial = copy.deepcopy(self.optimiser)
        with np.errstate(over="ignore", invalid="ignore"):
            trial.apply(new, grads)
        return Iteration(self.iteration + 1, tuple(k.copy() for k in self.kernels), tuple(outputs),
                         tuple(self.target_outputs), tuple(errors), tuple(grads), tuple(new),
                         tuple(losses), float(sum(losses)))

    def step(self) -> Iteration | None:
        """Take one step; None (and :attr:`diverged` set) when it would diverge."""
        if self.diverged:
            return None
        try:
            it = self.peek()
        except ValueError as error:
            self.diverged = self._divergence_text(f"a number overflowed ({error})")
            return None
        self.optimiser.apply(self.kernels, [g.copy() for g in it.grads])
        if not all(np.isfinite(k).all() for k in self.kernels):
            self.kernels = list(it.kernels)
            self.diverged = self._divergence_text("the kernel's numbers overflowed")
            return None
        self._record()
        if not math.isfinite(self.losses[-1]) or self.losses[-1] > DIVERGENCE_FACTOR * max(
                self.losses[0], 1e-12):
            self.diverged = self._divergence_text()
            self.kernels = list(it.kernels)        # the last kernels whose loss was finite
            del self.losses[-1], self.distances[-1]
            return None
        return it

    def run(self, n: int) -> int:
        """Take up to ``n`` steps (fewer if the descent diverges); returns how many were taken."""
        for taken in range(int(n)):
            if self.step() is None:
                return taken
        return int(n)

    def _record(self) -> None:
        self.losses.append(self._loss(self.kernels))
        self.distances.append(self.distance())

    def _loss(self, kernels) -> float:
        """The loss of ``kernels``; ∞ when a number overflows on the way."""
        total = 0.0
        for kernel, target in zip(kernels, self.target_outputs):
            try:
                diff = ops.conv2d(self.settings.image, kernel, **self.settings.conv_keywords) - target
            except ValueError:
                return math.inf
            with np.errstate(over="ignore", invalid="ignore"):
                total += float(np.mean(diff * diff))
        return total if math.isfinite(total) else math.inf

    def distance(self) -> float:
        """The largest ``|K − T|`` over every kernel element: 0 when every target is found."""
        return max(self.kernel_distances())

    def kernel_distances(self) -> list[float]:
        """The largest ``|K − T|`` of each kernel against its own target, in target order."""
        return [float(np.max(np.abs(k - t))) for k, t in zip(self.kernels, self.target_kernels)]

    def _divergence_text(self, why: str = "") -> str:
        lowest = int(np.argmin(self.losses))
        steps = len(self.losses) - 1 - lowest
        grew = (f"loss grew from {short_number(self.losses[lowest])} to "
                f"{short_number(self.losses[-1])} in {steps} step{'s' * (steps != 1)}")
        bound = self.stable_learning_rate()
        rate = self.settings.learning_rate
        below = bound if bound is not None and bound < rate else rate / 10
        text = f"{why}: " if why else ""
        return f"{text}{grew}: try a learning rate below {short_number(_round_down(below))}"


def _round_down(value: float) -> float:
    """One significant digit, rounded down (a suggestion below the bound, never above it)."""
    scale = 10.0 ** math.floor(math.log10(value))
    return math.floor(value / scale * (1 + 1e-9)) * scale     # 1e199 / 1e199 is 0.99999…
