"""The start-up baseline: an empty PySide6 window shown offscreen; prints the
time from interpreter start to its first paint, then quits.
`python -m ui.setup.probe` (QT_QPA_PLATFORM=offscreen)."""

from __future__ import annotations

import sys
import time


def main() -> int:
    started = time.perf_counter()
    # after `started`: the probe times these imports too
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication, QWidget

    app = QApplication.instance() or QApplication(sys.argv[:1])

    class FirstPaint(QObject):
        def eventFilter(self, obj, event):  # noqa: N802 - Qt's name
            if event.type() == QEvent.Type.Paint and not getattr(self, "done", False):
                self.done = True
                print(f"painted after {time.perf_counter() - started:.3f} s", file=sys.stderr)
                app.quit()
            return False

    window = QWidget()
    window.resize(1024, 700)
    spy = FirstPaint()
    window.installEventFilter(spy)
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
