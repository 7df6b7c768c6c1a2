"""The installed PySide6 must not leak references to None/True (6.12.0 does, and 3.11 then aborts)."""

import sys

from PySide6.QtCore import QObject, Signal


class _Probe(QObject):
    sigProbe = Signal()


def test_void_calls_and_emits_keep_singleton_references(qapp):
    probe = _Probe()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(1000):
        probe.setObjectName("probe")
        probe.sigProbe.emit()
    # A small positive drift is harmless; a leak shows up as a fall of about a thousand.
    assert sys.getrefcount(None) >= none_before - 10
    assert sys.getrefcount(True) >= true_before - 10
