"""The Explain page's grown image: one GrowWorker thread at a time, never left running after a
stop (the page also stops it when hidden or closed)."""

from PySide6.QtCore import QObject, Signal, Slot

from cnn_explorer.gui.pages.explain.grow_worker import GrowWorker
from cnn_explorer.gui.workers import start_in_thread


class GrowControl(QObject):
    """Starts and stops the :class:`GrowWorker`; passes on only the current worker's signals.

    Signals
    -------
    sigStep(object, float, int)
        As ``GrowWorker.sigStep``, never from a worker already stopped.
    sigError(str)
        A message for the user.
    sigStopped()
        The thread has ended (finished or stopped); its last image was passed on before.
    """

    sigStep = Signal(object, float, int)
    sigError = Signal(str)
    sigStopped = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.worker = self.worker_thread = None
        self.choice = None

    @property
    def running(self):
        return self.worker_thread is not None

    def start(self, model, choice):
        """Grow an image for ``choice``'s filter on a copy of ``model`` (stopping any other)."""
        self.stop()
        self.choice = choice
        self.worker = GrowWorker(model.clone(), choice)
        self.worker.sigStep.connect(self._on_step)
        self.worker.sigError.connect(self.sigError)
        self.worker.sigFinished.connect(self._on_finished)
        self.worker_thread = start_in_thread(self.worker, self)

    def stop(self):
        """Stop after the step under way and wait for the thread to end."""
        if self.worker_thread is None:
            return
        self.worker.stop()
        self.worker_thread.wait()
        self._finish()

    @Slot(object, float, int)
    def _on_step(self, image, activation, done):
        if self.sender() is self.worker:     # not queued from a worker already stopped
            self.sigStep.emit(image, activation, done)

    @Slot(int)
    def _on_finished(self, _steps):
        if self.sender() is self.worker and self.worker_thread is not None:
            self.worker_thread.wait()
            self._finish()

    def _finish(self):
        self.worker_thread.deleteLater()
        self.worker.deleteLater()
        self.worker_thread = self.worker = None
        self.sigStopped.emit()
