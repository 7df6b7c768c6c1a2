"""The trained model the pages share: the Training page publishes it, Explain and Channels read it."""

from PySide6.QtCore import QObject, Signal


class SharedModel(QObject):
    """The Training page's model as the other pages may read it, owned by the main window.

    ``model`` is the GUI thread's copy (a worker thread never writes it; read it, do not train
    it), ``dataset`` the data it learns from (``x_test`` its test images), ``history`` Keras's
    per-epoch history and ``step``/``images_seen`` how far its training got. All are ``None``
    (``history`` empty, ``images_seen`` 0) until the Training page publishes a model.

    Signals
    -------
    changed()
        After every :meth:`publish`: a new model, new data, or weights that moved on.
    """

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = self.dataset = self.step = None
        self.history = {}
        self.images_seen = 0

    def publish(self, model, dataset, *, history=None, step=None, images_seen=0) -> None:
        """Make ``model`` (trained on ``dataset``, ``step`` batches and ``images_seen`` images
        into its run) the one the pages read, and tell them."""
        self.model, self.dataset = model, dataset
        self.history = {} if history is None else history
        self.step, self.images_seen = step, images_seen
        self.changed.emit()
