"""Text from outside, read strictly: YAML with positions and limits, numbers that keep the
text they were written as, and files that are regular files.

The ground floor of the package: it imports nothing above :mod:`ipp_rules.errors` and
:mod:`ipp_rules.problems`.
"""

__all__: list[str] = []
