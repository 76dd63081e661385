"""``python -m renewal_score`` runs the command line."""

import sys

from renewal_score.cli import main

sys.exit(main())
