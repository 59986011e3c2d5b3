"""Deciding beyond one process: the partition functions, their inputs and outputs.

* :mod:`~ipp_rules.scale.bundles`: a bundle as bytes for workers that cannot see its folder,
  and each process's engines, built once per bundle;
* :mod:`~ipp_rules.scale.sources`: JSON Lines and Parquet inputs (local or fsspec URLs) cut
  into parts;
* :mod:`~ipp_rules.scale.partitions`: the partition functions, one row per document;
* :mod:`~ipp_rules.scale.outputs`: rows written as JSON Lines or Parquet, atomically.

:mod:`ipp_rules.dask` runs them on Dask; any other engine (Spark's ``mapInPandas``, a process
pool) can call :func:`~ipp_rules.scale.partitions.evaluate_partition` the same way.
"""

__all__: list[str] = []
