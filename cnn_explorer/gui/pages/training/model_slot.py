"""The training page's model: which one it trains, whether it fits the data, and keeping it in
step with the Model page (New model, undoable replacement, the notes that say what to change)."""

from PySide6.QtGui import QUndoCommand

from cnn_explorer.nn import guide_model

ARCHITECTURE_CHANGED = ("The Model page's architecture changed: press New model to train it (this "
                        "trained model is kept until then).")


class ModelSlot:
    """Mixed into the training page, which provides ``model``, ``dataset``, ``dirty``, ``latest``,
    ``running``, ``controls``, ``views``, ``display``, ``undo_stack``, ``_architecture_key``,
    ``_fit_message`` and ``stop_training()``."""

    def _check_fit(self):
        """Whether the model fits the data (image size and classes); if not, say what to change."""
        self.display.enabled = False
        if self.dataset is None or self.model is None:
            return False
        size, model_size = self.dataset.x_train.shape[1:3], self.model.input_shape[:2]
        outputs = self.model.output_shape[-1]
        if self.model.input_shape[2] != 1:   # datasets are grey: (N, H, W) uint8
            self._fit_message = (
                f"The model takes images with {self.model.input_shape[2]} channels but "
                f"{self.dataset.title} has grey images: set the input to {size[0]}×{size[1]}×1 "
                "on the Model page, then press New model.")
        elif size != model_size:
            self._fit_message = (
                f"The model takes {model_size[0]}×{model_size[1]} images but {self.dataset.title} "
                f"has {size[0]}×{size[1]} images: set the input to {size[0]}×{size[1]}×1 on the "
                "Model page, then press New model.")
        elif outputs != self.dataset.num_classes:
            self._fit_message = (
                f"The model has {outputs} outputs but {self.dataset.title} has "
                f"{self.dataset.num_classes} classes: set the last Dense layer's units to "
                f"{self.dataset.num_classes} on the Model page, then press New model.")
        else:
            self.display.enabled = True
            if self.controls.message.text() == self._fit_message:   # fixed: don't leave it up
                self.controls.show_message("")
            return True
        self.controls.show_message(self._fit_message)
        return False

    def _model_page(self):
        page = getattr(self.window(), "pages", {}).get("model")
        return page if hasattr(page, "build_model") else None

    def _fresh_model(self):
        """A new model of the Model page's architecture (the guide's model without that page)."""
        page = self._model_page()
        if page is None:
            return guide_model.guide_convnet(), "guide"
        return page.build_model(), page.architecture_key()

    def set_model(self, model, key=None):
        """Use ``model`` (untrained or trained) from now on; the views show its weights."""
        self.stop_training()
        self.model = model
        self._architecture_key = key
        self.display.model = model.clone()
        self.display.clear_confusion()
        self.dirty = False
        self.latest = None
        self.views.reset_levels()
        self.views.curves.clear()
        history = model.history
        if history.get("loss"):
            self.views.curves.set_history(history)
        self._describe_model()
        # the last run's progress, status and advice ("... then New model") were about the model
        # this one replaces: after New model they stayed up beside "untrained"
        self.controls.progress.setValue(0)
        self.controls.progress.setFormat("not started")
        self.controls.status.setText("Press Start to continue its training." if history.get("loss")
                                     else "Press Start to train.")
        self.controls.show_message("")
        self._note_architecture()
        self._check_fit()
        self.display.refresh_all()

    def new_model(self):
        self.replace_model(*self._fresh_model(), "New model")

    def replace_model(self, model, key, text):
        """Use ``model``; undoable (Edit ▸ Undo) when it replaces a trained model."""
        if self.model is None or not self._trained():
            self.set_model(model, key)
        else:
            self.undo_stack.push(ReplaceModel(self, model, key, text))

    def model_state(self):
        return self.model, self._architecture_key, self.dirty

    def restore_model(self, model, key, dirty):
        self.set_model(model, key)
        self.dirty = dirty
        self._describe_model()

    def _describe_model(self):
        epochs = len(self.model.history["loss"])
        trained = (f", trained {epochs} epoch{'s' * (epochs != 1)}" if epochs
                   else ", trained part of an epoch" if self.dirty else ", untrained")
        names = " → ".join(layer.name for layer in self.model.layers)
        self.controls.model_label.setText(
            f"<b>Model</b> ({self.model.count_params():,} parameters{trained}): {names}")

    def _sync_architecture(self):
        """Adopt the Model page's architecture if it changed and nothing would be lost."""
        page = self._model_page()
        if page is None:
            if self.model is None:
                self.new_model()
            return
        if self.model is None or (page.architecture_key() != self._architecture_key
                                  and not self.running and not self._trained()):
            self.new_model()
        else:
            self._note_architecture()

    def _note_architecture(self):
        """Say so while the Model page shows another architecture than the model's; once they
        agree again (New model, Load, Undo) the note goes (it stayed up after New model)."""
        page = self._model_page()
        if page is not None and self.model is not None \
                and page.architecture_key() != self._architecture_key:
            self.controls.show_message(ARCHITECTURE_CHANGED, error=False)
        elif self.controls.message.text() == ARCHITECTURE_CHANGED:
            self.controls.show_message("")

    def _trained(self):
        return self.dirty or bool(self.model.history["loss"])


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
