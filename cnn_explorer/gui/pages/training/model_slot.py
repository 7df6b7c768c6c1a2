"""The model the training page trains: which one, where its architecture came from, whether it
holds unsaved training; and the undo step that swaps it for another."""

from PySide6.QtGui import QUndoCommand

from cnn_explorer.nn import reports
from cnn_explorer.nn.fit import fit_problem, image_shape_of

ARCHITECTURE_CHANGED = ("The Model page's architecture changed: press New model to train it (this "
                        "trained model is kept until then).")


class ModelSlot:
    """Holds ``model``, its architecture ``key`` (the Model page's, or None) and ``dirty`` (trained
    since it was saved or made). The page owns one and draws what it says."""

    def __init__(self):
        self.model = None
        self.key = None
        self.dirty = False

    def put(self, model, key=None, dirty=False):
        self.model, self.key, self.dirty = model, key, dirty

    def state(self):
        return self.model, self.key, self.dirty

    @property
    def epochs_done(self):
        return len(self.model.history["loss"]) if self.model is not None else 0

    @property
    def trained(self):
        """Whether replacing it would lose training (then the replacement is an undo step)."""
        return self.model is not None and (self.dirty or self.epochs_done > 0)

    def header(self, running=False):
        """The model's header line (HTML): parameters, how far it is trained, its layers."""
        return reports.model_header(self.model.count_params(),
                                    [layer.name for layer in self.model.layers], self.epochs_done,
                                    partial=self.dirty, running=running)

    def problem_with(self, dataset, page_input=None):
        """Why the model cannot train on ``dataset`` (what to change), or ``""``; ``page_input``
        is the Model page's input shape (None: no Model page)."""
        if dataset is None or self.model is None:
            return "No model or no data yet."
        remedy = None
        if page_input == image_shape_of(dataset.x_train.shape):
            remedy = ("the Model page takes them now: press New model to train it (this model "
                      "is kept until then).")
        return fit_problem(self.model.input_shape, self.model.output_shape,
                           dataset.x_train.shape[1:], dataset.num_classes, dataset.title, remedy)


class ReplaceModel(QUndoCommand):
    """Put ``model`` on ``page``; undo brings back the model it replaced, as it was then.

    Each direction first records the model it leaves (trained further since, or not), so undo and
    redo never lose training done in between.
    """

    def __init__(self, page, model, key, text):
        super().__init__(text)
        self._page = page
        self._other = (model, key, False)

    def redo(self):
        self._swap()

    def undo(self):
        self._swap()

    def _swap(self):
        target, self._other = self._other, self._page.slot.state()
        self._page.restore_model(*target)
