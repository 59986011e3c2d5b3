"""The engine as an HTTP service: ``ipp-rules serve`` (``pip install 'ipp-rules[serve]'``).

- :mod:`~ipp_rules.service.app`: the ASGI application (Starlette); :func:`create_app` builds
  one from :class:`Settings`;
- :mod:`~ipp_rules.service.endpoints`: every endpoint and its route;
- :mod:`~ipp_rules.service.state`: what the endpoints share, and work run in threads within
  the time budget;
- :mod:`~ipp_rules.service.settings`: what a service is started with, its :class:`Limits`;
- :mod:`~ipp_rules.service.bundles`: the bundle serving, replaced whole by a reload;
- :mod:`~ipp_rules.service.requests`: bodies within their limits, content types, request models;
- :mod:`~ipp_rules.service.problems`: errors as RFC 9457 problem details;
- :mod:`~ipp_rules.service.middleware`: request ids, the access log, request metrics;
- :mod:`~ipp_rules.service.metrics`: the Prometheus metrics;
- :mod:`~ipp_rules.service.decision_log`: one JSON line per decision, off the request path;
- :mod:`~ipp_rules.service.openapi`: the OpenAPI document and its docs page.

``docs/service.md`` describes every endpoint, limit, flag, metric and log format.
"""

from ipp_rules.service.app import create_app
from ipp_rules.service.settings import Limits, Settings

__all__ = ["Limits", "Settings", "create_app"]
