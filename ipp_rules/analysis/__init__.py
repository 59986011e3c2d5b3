"""What the tools for bundle editors compute, as data: ``check``'s analyses, ``diff``'s and
``explain``'s results, the JSON Schemas, the calendar horizons. Nothing here reads a command
line or prints: the commands that do live in :mod:`ipp_rules.cli`."""

__all__: list[str] = []
