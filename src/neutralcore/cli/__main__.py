"""``python -m neutralcore.cli`` runs the ``neutralcore`` command."""

import sys

from neutralcore.cli import main

if __name__ == "__main__":
    sys.exit(main())
