"""The training page's model files: Save…, Load… and the checks around them."""

import os

from PySide6.QtWidgets import QFileDialog

from cnn_explorer.gui import settings as keys
from cnn_explorer.nn.specs import specs_of
from cnn_explorer.nn.saving import save_model, load_model


class ModelFiles:
    """Mixed into the training page, which provides ``model``, ``dirty``, ``controls``,
    ``dataset``, ``_fit_message``, ``_check_fit()``, ``_model_page()`` and ``replace_model()``."""

    def save_model(self, path):
        """Save the model to ``path``; on failure say why and keep it marked unsaved."""
        try:
            save_model(self.model, path)
        except (ValueError, OSError) as exc:
            self.controls.show_message(f"Could not save {os.path.basename(path)}: {exc}")
            return False
        self.dirty = False
        self.controls.show_message(f"Saved {os.path.basename(path)}.", error=False)
        return True

    def load_model(self, path):
        """Load a saved model (weights, optimiser state, history): Start continues its training."""
        try:
            model = load_model(path)
        except (ValueError, OSError) as exc:  # the engine's message names the file
            self.controls.show_message(f"Could not load the model: {exc}")
            return False
        page = self._model_page()
        if page is not None:  # the Model page shows (and would build) the loaded architecture
            page.set_specs(specs_of(model), "Use the loaded model's architecture",
                           model.input_shape)
        self.replace_model(model, page.architecture_key() if page is not None else None,
                           f"Load {os.path.basename(path)}")
        if self.dataset is None or self._check_fit():
            self.controls.show_message(f"Loaded {os.path.basename(path)}.", error=False)
        else:   # the reason it cannot train here stays beside "Loaded", and goes once it fits
            self._fit_message = f"Loaded {os.path.basename(path)}. {self._fit_message}"
            self.controls.show_message(self._fit_message)
        return True

    def _on_save(self):
        path, _ = QFileDialog.getSaveFileName(self, "Save the model", self._last_dir("model.npz"),
                                              "Models (*.npz)")
        if path:
            if not path.lower().endswith(".npz"):  # Qt's own dialog adds no suffix: Load… lists *.npz
                path += ".npz"
            keys.remember_directory(path)
            self.save_model(path)

    def _on_load(self):
        path, _ = QFileDialog.getOpenFileName(self, "Load a model", self._last_dir(""),
                                              "Models (*.npz)")
        if path:
            keys.remember_directory(path)
            self.load_model(path)

    @staticmethod
    def _last_dir(name):
        return os.path.join(keys.last_directory(), name)
