"""The ``ipp-rules`` command line: one module per command, run by :mod:`ipp_rules.cli.main`.

The commands read complaints, bundles, histories and events, and print what the library
computes: ``evaluate``, ``explain``, ``good-faith``, ``deadline``, ``lifecycle`` for cases;
``init``, ``check``, ``test``, ``diff``, ``schema``, ``calendars`` for the people who change
the rules. What they compute about bundles lives in :mod:`ipp_rules.analysis`.
"""

from ipp_rules.cli.main import main

__all__ = ["main"]
