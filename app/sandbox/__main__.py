"""``python -m app.sandbox``: run the Plugipay sandbox server."""

import sys

from .cli import main

sys.exit(main())
