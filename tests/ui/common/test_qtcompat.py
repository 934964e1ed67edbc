"""The binding's reference-count bugs are contained: tens of thousands of void Qt calls
(each took a reference from None on PySide6 6.12 / CPython 3.11) no longer abort the
interpreter once ui.common.qtcompat is imported, as every window does."""

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

CODE = """
import ui.common.qtcompat
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication(["k"])
label = QLabel()
for _ in range(50000):
    label.setText("x")
    label.update()
print("survived")
"""


def test_many_void_qt_calls_do_not_abort_the_till():
    p = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, cwd=ROOT,
                       env=dict(os.environ, PYTHONPATH=ROOT, QT_QPA_PLATFORM="offscreen"),
                       timeout=120)
    assert p.returncode == 0 and "survived" in p.stdout, p.stderr[-2000:]
