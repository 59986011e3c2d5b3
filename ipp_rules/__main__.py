"""``python -m ipp_rules``: the ``ipp-rules`` command, for an environment without its script."""

import sys

from ipp_rules.cli.main import main

__all__: list[str] = []

if __name__ == "__main__":
    sys.exit(main())
