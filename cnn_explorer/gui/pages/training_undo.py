"""Undo for the training page: replacing a trained model (New model, Load) can be taken back."""

from PySide6.QtGui import QUndoCommand


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
        target, self._other = self._other, self._page.model_state()
        self._page.restore_model(*target)
