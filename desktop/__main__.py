"""`python -m desktop` runs the same command as `brugmeter`."""

import sys

from desktop.cli import main

sys.exit(main())
