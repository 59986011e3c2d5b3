"""Tools for policy staff and developers, behind the ``ipp-rules`` subcommands.

``check`` (static checks of a bundle), ``test`` (YAML cases with rule coverage), ``diff``
(impact of a bundle change on a corpus of complaints), ``explain`` (one decision in detail)
and ``schema`` (JSON Schemas for editors). Each command module exposes ``add_parser`` and
``run``; ``ipp_rules.cli`` wires them up.
"""
