"""Guard against a shiboken6 reference bug that aborts Python 3.11 within seconds of animation.

With shiboken6 6.12 on Python 3.11, every Qt call that returns nothing (``update()``,
``setText()``, ``processEvents()``...) gives back a reference to ``None`` it never took, and
``Signal.emit()`` does the same with ``True``. Python 3.12+ makes ``None``/``True``/``False``
immortal, so there it is harmless; on 3.11 their counts fall by one per call and the interpreter
aborts ("none_dealloc: deallocating None") after a few thousand calls. :func:`install` measures
the leak once and, only if it is there, raises the three counts out of reach, which is what 3.12
does for every program.
"""

import ctypes
import sys

from PySide6.QtCore import QObject, Signal

_RESERVE = 1 << 40
_installed = False


class _Probe(QObject):
    sigProbe = Signal()


def leaks() -> bool:
    """True if Qt calls on this interpreter drop references to None or True."""
    probe = _Probe()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(8):
        probe.setObjectName("probe")
        probe.sigProbe.emit()
    return sys.getrefcount(None) < none_before or sys.getrefcount(True) < true_before


def install() -> bool:
    """Apply the guard if needed (once per process); return whether it was applied."""
    global _installed
    if _installed or sys.version_info >= (3, 12) or not leaks():
        return _installed
    for singleton in (None, True, False):
        # ob_refcnt is the first field of every CPython object
        ctypes.c_ssize_t.from_address(id(singleton)).value += _RESERVE
    _installed = True
    return True
