"""``python -m magsynapse.cli``: the same as the ``magsynapse`` command."""

from . import console

if __name__ == "__main__":
    console()
