"""Rule bundles: the file format, the loader, the compiler and its output.

``format`` (the pydantic models of the files), ``templates`` (messages), ``bundle`` (reading
a bundle folder), ``compiler`` (names and types checked, conditions lowered), ``ir`` (the
compiled conditions both backends run) and ``patterns`` (the regular-expression subset).
"""

__all__: list[str] = []
