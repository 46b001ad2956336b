"""`python -m planner` is the same program as `planner`."""

import sys

from planner.app.cli import main

sys.exit(main())
