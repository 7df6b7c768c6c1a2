"""Reusable Qt views."""

from cnn_explorer.gui.widgets import refcount_guard

refcount_guard.install()
