"""Entry point: ``cnn-explorer`` / ``python -m cnn_explorer``."""

import argparse
import os
import sys

from cnn_explorer.gui.pages import PAGES
from cnn_explorer.resources import resource_path


def parse_args(argv=None):
    parser = argparse.ArgumentParser(prog="cnn-explorer", description="See how a convnet works.")
    parser.add_argument("--page", choices=sorted(PAGES), help="page to open")
    parser.add_argument("--screenshot", metavar="FILE.png",
                        help="render the page offscreen at the default size, save it, and exit")
    parser.add_argument("--demo-train", type=int, default=0, metavar="N",
                        help="with --page training: train N batches before the screenshot")
    parser.add_argument("--theme", choices=["system", "light", "dark"],
                        help="colours for this run (default: the Preferences' choice)")
    # benchmarks/startup.py: print the wall-clock time of the first paint and quit
    parser.add_argument("--quit-after-paint", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if args.screenshot:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from cnn_explorer.gui import crash_dialog
    from cnn_explorer.gui import settings as keys
    from cnn_explorer.gui.main_window import MainWindow
    from cnn_explorer.gui.palette import apply_theme

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(keys.ORGANISATION)
    app.setApplicationName(keys.APPLICATION)
    app.setDesktopFileName("cnn-explorer")
    app.setWindowIcon(QIcon(str(resource_path("icons", "cnn-explorer.svg"))))
    crash_dialog.start_logging()
    apply_theme(args.theme or keys.read_choice(keys.THEME, keys.THEMES), app)
    window = MainWindow(restore_settings=not args.screenshot, lazy=not args.screenshot)
    if args.screenshot:
        return take_screenshot(app, window, args.page or next(iter(PAGES)), args.screenshot,
                               demo_train=args.demo_train)
    if args.page:
        window.show_page(args.page)
    if args.quit_after_paint:
        quit_after_first_paint(app, window)
    sys.excepthook = window.report_error      # an uncaught error is a dialog, not a silent stop
    window.show()
    return app.exec()


def quit_after_first_paint(app, window):
    """Print ``painted <unix time>`` when a part of the window first paints, then quit (start-up
    timing; benchmarks/startup.py times a bare window the same way)."""
    import time

    from PySide6.QtCore import QEvent, QObject

    class Probe(QObject):
        def eventFilter(self, watched, event):  # noqa: N802 (Qt name)
            if event.type() == QEvent.Paint and watched.isWidgetType() \
                    and watched.window() is window:
                print(f"painted {time.time():.6f}", flush=True)
                app.removeEventFilter(self)
                app.quit()
            return False

    window._paint_probe = Probe(window)
    app.installEventFilter(window._paint_probe)


def take_screenshot(app, window, page_name, path, demo_train=0):
    """Show ``window`` on ``page_name``, let the page prepare itself, and save a PNG."""
    from cnn_explorer.gui.main_window import DEFAULT_SIZE

    window.resize(*DEFAULT_SIZE)
    window.show()
    app.processEvents()
    if demo_train > 0 and page_name != "training":
        # a page that shows the trained model (Explain) shows the Training page's, trained here
        trainer = window.show_page("training")
        trainer.ask_to_save = False
        trainer.train_batches(demo_train)
    page = window.show_page(page_name)
    if page.property("broken"):
        print(page.text(), file=sys.stderr)
        window.close()
        return 1
    prepare = getattr(page, "prepare_screenshot", None)
    if prepare is not None:
        prepare(demo_train=demo_train)
    for _ in range(3):
        app.processEvents()
    ok = window.grab().save(path)
    window.close()
    if not ok:
        print(f"could not write {path}", file=sys.stderr)
        return 1
    print(f"wrote {path}")
    return 0
