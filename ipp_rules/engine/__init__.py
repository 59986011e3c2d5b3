"""The engine: it runs a compiled bundle on a complaint and builds the decision.

``engine`` holds :class:`~ipp_rules.engine.engine.Engine`, the public entry point; ``backend``
the reference evaluator; ``durable`` the durable_rules backend.
"""

__all__: list[str] = []
