"""Run the notes API: ``python -m app --port 8080``."""

import sys

from app.server import main

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
