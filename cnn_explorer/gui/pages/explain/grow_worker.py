"""Activation maximisation in a background thread: one gradient-ascent step per loop, stoppable
between steps, reporting the growing image to the GUI thread by signals only."""

import threading
import time
import traceback

from PySide6.QtCore import QObject, Signal

from cnn_explorer.nn.explain import maximize_activation


class GrowWorker(QObject):
    """Iterate ``nn.explain.maximize_activation`` on a model of its own (the GUI's is not touched).

    The image is reported at most every ``interval`` seconds, and always after the last step.

    Signals
    -------
    sigStep(object, float, int)
        The image (H, W, C), the filter's mean activation on it, the number of steps done.
    sigError(str)
        A message for the user.
    sigFinished(int)
        The number of steps done (fewer than asked after a stop).
    """

    sigStep = Signal(object, float, int)
    sigError = Signal(str)
    sigFinished = Signal(int)

    def __init__(self, model, choice, interval=0.05):
        super().__init__()
        self._model = model
        self._choice = choice
        self._interval = interval
        self._stop = threading.Event()

    def stop(self):
        """Stop after the step under way (safe from any thread)."""
        self._stop.set()

    def run(self):
        c, done = self._choice, 0
        try:
            steps = maximize_activation(self._model, c.layer, c.channel, c.steps, c.learning_rate,
                                        c.jitter, c.blur, seed=c.channel)
            last_emit = 0.0
            for done, (image, activation) in enumerate(steps, 1):
                now = time.perf_counter()
                if now - last_emit >= self._interval or done == c.steps:
                    last_emit = now
                    self.sigStep.emit(image, activation, done)
                if self._stop.is_set():
                    self.sigStep.emit(image, activation, done)
                    break
        except Exception as exc:  # noqa: BLE001 (any failure must reach the user, not kill the app)
            traceback.print_exc()
            self.sigError.emit(f"Growing the image failed: {exc}")
        self.sigFinished.emit(done)
