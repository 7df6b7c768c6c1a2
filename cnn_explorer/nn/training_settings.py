"""The training page's settings as one frozen value: what to train on, for how long, how fast."""

import numbers
from dataclasses import dataclass, fields

from .training import Hyperparameters, TrainConfig

FULL_SPEED = 0.0
#: the speeds offered, batches per second (0: as fast as the engine goes)
SPEEDS = (FULL_SPEED, 20.0, 5.0, 1.0)


@dataclass(frozen=True)
class TrainingSettings(Hyperparameters):
    """Dataset, hyper-parameters and speed of the training page; invalid values raise ValueError.

    ``dataset`` is a ``catalog.available()`` name or a folder path; ``grey`` loads its colour
    images as grey; ``speed`` is the most batches per second the run may take (``FULL_SPEED``:
    no limit), the slow motion a student watches.
    """

    dataset: str = ""
    grey: bool = False
    speed: float = FULL_SPEED

    def __post_init__(self):
        config_of(self).validate()
        if not isinstance(self.grey, bool):
            raise ValueError(f"grey must be True or False, got {self.grey!r:.40} "
                             "(TrainingSettings)")
        speed = self.speed
        if isinstance(speed, bool) or not isinstance(speed, numbers.Real) \
                or not (speed >= 0 and speed == speed):
            raise ValueError("speed must be 0 (full speed) or a positive number of batches per "
                             "second (TrainingSettings)")


def config_of(settings, snapshot_every=1):
    """The engine's ``TrainConfig`` for ``settings`` (the one way the page's settings reach it)."""
    chosen = {f.name: getattr(settings, f.name) for f in fields(Hyperparameters)}
    return TrainConfig(**chosen, snapshot_every=snapshot_every)
