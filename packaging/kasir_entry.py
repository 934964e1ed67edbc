"""The bundle's entry point: the same `kasir` command as `pip install` makes (app.cli:main).

With no command it opens the desktop window; with one it runs it and exits.
"""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()  # harmless unless a worker process is ever spawned
    from app.cli import main

    sys.exit(main())
