"""The app's pages: one sub-package per page family, plus what every page shares.

``PAGES`` maps a page's command-line name to ``(module, class name, tab title)``; the main window
imports a page's module only when it builds the page, so a page that fails to import cannot take
the others down with it.

Page contract (duck-typed, see ``base.Page``):
- a ``QWidget`` built as ``Cls(parent=None)``;
- ``undo_stack``: a ``QUndoStack`` or ``None`` (the main window's Edit menu follows the current page);
- ``prepare_screenshot(demo_train=0)``: put the page in a state worth showing (e.g. a few steps played);
- ``can_close()``: stop background work (asking the user if needed); ``False`` cancels closing.
"""

PAGES: dict[str, tuple[str, str, str]] = {
    "conv1d": ("cnn_explorer.gui.pages.convolution.conv1d_page", "Conv1DPage", "Convolution 1D"),
    "conv2d": ("cnn_explorer.gui.pages.convolution.conv2d_page", "Conv2DPage", "Convolution 2D"),
    "channels": ("cnn_explorer.gui.pages.channels.channels_page", "ChannelsPage", "Channels"),
    "pooling": ("cnn_explorer.gui.pages.pooling.pooling_page", "PoolingPage", "Pooling"),
    "backprop": ("cnn_explorer.gui.pages.backprop.learn_page", "LearnKernelPage", "Learn a kernel"),
    "model": ("cnn_explorer.gui.pages.model.model_page", "ModelPage", "Model"),
    "training": ("cnn_explorer.gui.pages.training.training_page", "TrainingPage", "Training"),
    "explain": ("cnn_explorer.gui.pages.explain.explain_page", "ExplainPage", "Explain"),
}
