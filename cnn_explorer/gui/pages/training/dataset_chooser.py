"""The training page's dataset chooser: what is on this computer, a folder, or a download."""

import os

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QFileDialog, QMenu

from cnn_explorer.data import catalog
from cnn_explorer.gui import settings as keys
from cnn_explorer.gui.workers import DownloadWorker, start_in_thread

CANCELLED = "Download cancelled."


class DatasetChooser(QObject):
    """Drives the controls' dataset combo, "Open folder…" and "Download…" (in a thread).

    Signals
    -------
    sigChosen(object)
        A dataset name (``catalog.available()``) or folder path the user chose.
    sigMessage(str, bool)
        A message for the page and whether it is an error.
    sigDownloaded(str)
        A download finished: its key of ``catalog.DOWNLOADS`` or ``catalog.COLOUR_DOWNLOADS``,
        now in ``catalog.available()``.
    """

    sigChosen = Signal(object)
    sigDownloaded = Signal(str)
    sigMessage = Signal(str, bool)

    def __init__(self, controls, parent=None):
        super().__init__(parent)
        self._controls = controls
        self._download = None
        controls.dataset_combo.activated.connect(self._on_activated)
        controls.open_button.clicked.connect(self._on_open_folder)
        controls.download_button.clicked.connect(self._on_download)
        controls.cancel_download.clicked.connect(self.cancel_download)

    def refresh(self, select=None):
        """Fill the combo from ``catalog.available()``; return the selected name or path."""
        combo = self._controls.dataset_combo
        current = select or combo.currentData() or catalog.BUNDLED
        combo.blockSignals(True)
        combo.clear()
        for info in catalog.available():
            count = f" · {info.num_train:,} train" if info.num_train else ""
            combo.addItem(f"{info.title}{count}", info.name)
            combo.setItemData(combo.count() - 1, info.description, Qt.ToolTipRole)
        if os.path.isdir(str(current)) and combo.findData(current) < 0:
            combo.addItem(f"Folder: {os.path.basename(current)}", current)
        combo.setCurrentIndex(max(combo.findData(current), 0))
        combo.blockSignals(False)
        return combo.currentData()

    def _on_activated(self, index):
        self.sigChosen.emit(self._controls.dataset_combo.itemData(index))

    def _on_open_folder(self):
        folder = QFileDialog.getExistingDirectory(self._controls, "Open a dataset folder",
                                                  keys.last_directory())
        if folder:
            keys.remember_directory(folder)
            self.refresh(select=folder)
            self.sigChosen.emit(folder)

    # -- downloads -------------------------------------------------------------------------
    def _on_download(self):
        button = self._controls.download_button
        menu = self.download_menu()
        menu.exec(button.mapToGlobal(button.rect().bottomLeft()))
        menu.deleteLater()

    def download_menu(self):
        """The Download… button's menu: each dataset with its kind and size; choosing one starts
        its download."""
        menu = QMenu(self._controls.download_button)
        for name, spec in {**catalog.DOWNLOADS, **catalog.COLOUR_DOWNLOADS}.items():
            size = sum(f.size or 0 for f in spec.files)
            kind = "colour" if name in catalog.COLOUR_DOWNLOADS else "grey"
            action = menu.addAction(f"{spec.title} ({kind}, {size / 1e6:.0f} MB)",
                                    lambda n=name: self.start_download(n))
            action.setData(name)
            action.setToolTip(catalog.DESCRIPTIONS[name])
        menu.setToolTipsVisible(True)
        return menu

    @property
    def downloading(self):
        return self._download is not None

    def start_download(self, name, download=None):
        """Download ``name`` (a key of ``catalog.DOWNLOADS`` or ``catalog.COLOUR_DOWNLOADS``) in a
        thread, with progress; ``download`` defaults to ``catalog.download``."""
        worker = DownloadWorker(name, download or catalog.download)
        worker.sigProgress.connect(self._on_progress)
        worker.sigError.connect(self._on_error)
        worker.sigFinished.connect(self._on_finished)
        self._controls.set_downloading(True)
        self._controls.download_bar.setRange(0, 1000)
        self._controls.download_bar.setValue(0)
        self._download = (worker, start_in_thread(worker, self), name)

    def cancel_download(self):
        if self._download is not None:
            self._download[0].cancel()

    def stop(self, timeout_ms=10000):
        """Cancel a download and wait for its thread (before the window closes)."""
        if self._download is None:
            return True
        worker, thread, _ = self._download
        worker.cancel()
        if thread.wait(timeout_ms):
            self._finish()
            return True
        return False

    @Slot(int, int)
    def _on_progress(self, done, total):
        bar = self._controls.download_bar
        bar.setRange(0, 1000 if total else 0)
        if total:
            bar.setValue(int(1000 * done / total))
            bar.setFormat(f"{done / 1e6:.1f} of {total / 1e6:.1f} MB")

    @Slot(str)
    def _on_error(self, message):
        self.sigMessage.emit(message, message != CANCELLED)

    @Slot(str)
    def _on_finished(self, path):
        if self._download is None or self.sender() is not self._download[0]:
            return
        name = self._finish()
        if path:
            self.sigDownloaded.emit(name)

    def _finish(self):
        worker, thread, name = self._download
        thread.wait()
        thread.deleteLater()
        worker.deleteLater()
        self._download = None
        self._controls.set_downloading(False)
        return name
