"""What the tools for bundle editors compute: calendar horizons, ... (the commands that
print these live in :mod:`ipp_rules.cli`)."""
