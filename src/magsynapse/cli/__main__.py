"""``python -m magsynapse.cli``: the same as the ``magsynapse`` command."""

import sys

from . import main

if __name__ == "__main__":
    sys.exit(main())
