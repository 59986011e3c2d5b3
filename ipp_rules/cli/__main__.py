"""``python -m ipp_rules.cli``: the ``ipp-rules`` command."""

import sys

from ipp_rules.cli.main import main

__all__: list[str] = []

if __name__ == "__main__":
    sys.exit(main())
