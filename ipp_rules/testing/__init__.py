"""Testing rule bundles: YAML test cases, rule coverage, the pytest plugin that runs a bundle's
cases, and hypothesis strategies that generate complaints."""

__all__: list[str] = []
