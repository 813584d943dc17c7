"""``python -m neutralcore`` runs the ``neutralcore`` command."""

import sys

from neutralcore.cli import main

sys.exit(main())
