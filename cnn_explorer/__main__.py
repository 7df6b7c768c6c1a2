"""``python -m cnn_explorer`` starts the desktop app."""

from cnn_explorer.gui.app import main

if __name__ == "__main__":
    raise SystemExit(main())
