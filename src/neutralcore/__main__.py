"""``python -m neutralcore`` runs the ``neutralcore`` command."""

import sys

from .cli import main

sys.exit(main())
