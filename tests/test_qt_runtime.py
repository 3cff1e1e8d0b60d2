"""Guards against Qt-binding bugs that would crash a long typing session."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Source(QObject):
    ping = Signal(str)


def test_emitting_signals_does_not_leak_references_to_true(qapp):
    """PySide6 6.12.0 dropped a reference to True on every emit(); after ~1,500 emits Python
    aborted ("bool_dealloc"). pyproject.toml keeps us below 6.12; this test keeps us honest."""
    source = _Source()
    source.ping.connect(lambda _text: None)
    before = sys.getrefcount(True)
    for _ in range(300):
        source.ping.emit("x")
    assert sys.getrefcount(True) >= before - 5
