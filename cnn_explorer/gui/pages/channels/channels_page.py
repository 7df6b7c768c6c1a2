"""The Channels page: a colour image through a 3×3×3 filter, 3D convolution of a small volume, and
one filter of your trained network, each stepped cell by cell.

The page's state is one frozen :class:`cnn_explorer.core.channel_state.ChannelsState`; every edit
goes through :meth:`Page.edit` (undoable), and :meth:`render` draws the current mode from it.
"""

from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout

from cnn_explorer.core.channel_state import MODES, ChannelsState
from cnn_explorer.gui.pages.base import Page
from cnn_explorer.gui.pages.channels.inside_view import InsideView, training_source
from cnn_explorer.gui.pages.channels.rgb_view import RgbView, read_photo
from cnn_explorer.gui.pages.channels.volume_view import VolumeView
from cnn_explorer.gui.widgets import colours
from cnn_explorer.gui.widgets.first_run_hint import FirstRunHint
from cnn_explorer.gui.widgets.focus_keys import share_keys
from cnn_explorer.gui.widgets.panel import set_text

TAB_TITLES = ("Colour channels", "3D volume", "Inside your trained layer")
HINT = ("A colour image is three planes (red, green, blue); a filter has one 3×3 slice per plane. "
        "Each slice gives a partial sum, the three are added with the bias, then ReLU. Type a "
        "weight into a slice, pick a preset, or click an output cell to step it.")
START_PHOTO, START_SIZE = "astronaut", 24


class ChannelsPage(Page):
    """Three tabs (colour, 3D, inside a trained layer) over one state."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rgb, self.volume, self.inside = RgbView(), VolumeView(), InsideView()
        self.views = (self.rgb, self.volume, self.inside)
        self.tabs = QTabWidget()
        self.tabs.tabBar().setToolTip("Colour channels: a photo through a 3×3×3 filter; 3D "
                                      "volume: a kernel cube through a volume; inside your "
                                      "trained layer: one filter of the Training page's model")
        for view, title in zip(self.views, TAB_TITLES):
            self.tabs.addTab(view, title)
            view.sigEdit.connect(self.try_edit)
            view.sigMessage.connect(self.show_message)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(f"color: {colours.ERROR}; font-weight: bold;")
        self.message.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(FirstRunHint("channels", HINT))
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message)
        self.tabs.currentChanged.connect(self._on_tab_changed)
        share_keys(self)
        self.apply_state(ChannelsState(START_PHOTO, read_photo(START_PHOTO, START_SIZE),
                                       size=START_SIZE))

    def try_edit(self, text: str, merge_key=None, changes: dict | None = None) -> bool:
        """:meth:`Page.edit`, saying why below the views when the state refuses the change."""
        try:
            done = self.edit(text, merge_key, **(changes or {}))
        except ValueError as error:
            self.show_message(str(error))
            self.render(self.state)        # controls back to the state's values
            return False
        self.show_message("")
        return done

    def show_message(self, text: str) -> None:
        set_text(self.message, text)
        self.message.setVisible(bool(text))

    def _on_tab_changed(self, index):
        if MODES[index] != self.state.mode:
            self.try_edit(f"Show {TAB_TITLES[index]}", changes={"mode": MODES[index]})

    def render(self, state) -> None:
        index = MODES.index(state.mode)
        if self.tabs.currentIndex() != index:
            self.tabs.setCurrentIndex(index)
        view = self.views[index]
        if view is self.inside and view.model is None:
            view.model, view.images = self._training()
        view.render(state)

    def _training(self):
        return training_source(self)

    def showEvent(self, event):  # noqa: N802 (Qt name)
        super().showEvent(event)
        if self.state is not None and self.state.mode == "inside":
            self.inside.refresh()       # the Training page may have trained meanwhile

    # -- Page ------------------------------------------------------------------------------
    def prepare_screenshot(self, demo_train: int = 0) -> None:
        if self.state.mode != "inside":          # the trace part-way: its output half filled
            stepper = self.current_view().stepper
            stepper.set_step(stepper.count() * 2 // 5)

    def current_view(self):
        return self.views[MODES.index(self.state.mode)]

