"""Output: the run folder (all-or-nothing writes, run.json), findings.md / .csv / .json, segments.parquet
and the HTML report (html/)."""
