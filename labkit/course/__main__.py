"""``python -m labkit.course execute|new|list``."""

import sys

from .authoring import main

sys.exit(main())
