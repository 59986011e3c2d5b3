"""The policy workbench: a local web page where policy staff decide complaints, browse and
edit the bundle's rules with ``check`` feedback, preview an edit on a corpus, and look at the
calendars and a Good Faith history (``ipp-rules workbench``; ``docs/workbench.md``).

- :mod:`~ipp_rules.workbench.views`: what each view shows, computed by the library;
- :mod:`~ipp_rules.workbench.app`: the page and its JSON endpoints, on Starlette;
- ``static/``: the page, its script and styles, and its words (``i18n/en.json``).
"""

from ipp_rules.workbench.app import create_workbench

__all__ = ["create_workbench"]
