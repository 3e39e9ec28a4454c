"""run.json: what a run read, skipped and wrote, with what config, models and software.

Every input is accounted for (processed, or skipped with its reason), and every output's sha256 is
recorded: a run folder that does not match its run.json is not this run's.
"""

from __future__ import annotations

import importlib.metadata
import platform
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from insightminer import __version__
from insightminer.output.run_folder import output_hashes
from insightminer.schema import InputRecord
from insightminer.storage import atomic_write_json, file_sha256

#: The libraries whose versions decide results, recorded in every manifest.
_LIBRARIES = ("torch", "sentence-transformers", "faster-whisper", "transformers", "scikit-learn")


def _version(package: str) -> str | None:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return None


def write_manifest(
    out_dir: Path,
    *,
    status: str,
    config: dict[str, Any],
    models: dict[str, Any],
    inputs: Sequence[InputRecord],
    documents: int,
    statements: int,
    findings: dict[str, Any],
    timings: dict[str, float],
    warnings: Sequence[str],
) -> None:
    """Write `out_dir`/run.json (last, after every other output, so its hashes cover them)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    findings_json = out_dir / "findings.json"
    manifest = {
        "insightminer_version": __version__,
        "status": status,
        "config": config,
        "models": models,
        "environment": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            **{package: _version(package) for package in _LIBRARIES},
        },
        "inputs": [
            {
                "path": r.path,
                "status": r.status,
                "reason": r.reason,
                "doc_ids": r.doc_ids,
                "format": r.source_format,
                "encoding": r.encoding,
                "notes": r.notes,
            }
            for r in inputs
        ],
        "counts": {
            "inputs": len(inputs),
            "processed": sum(1 for r in inputs if r.status == "processed"),
            "skipped": sum(1 for r in inputs if r.status == "skipped"),
            "documents": documents,
            "customer_statements": statements,
            "findings": len(findings.get("findings", [])),
        },
        "findings_sha256": file_sha256(findings_json) if findings_json.is_file() else None,
        "timings_s": dict(timings),
        "warnings": list(warnings),
        "outputs": sorted(p.name for p in out_dir.iterdir() if p.is_file() and not p.name.startswith(".")),
        "outputs_sha256": output_hashes(out_dir),
    }
    atomic_write_json(out_dir / "run.json", manifest)
