"""Resume: a finished analysis of the same transcripts, config, models and code is reused whole.

The key covers everything that decides findings (findings-relevant config, the model files' hashes,
the package's own source, the transcripts' content but not where they were read from), so a warm
re-run returns what a cold one would, byte for byte. A damaged entry of any shape is recomputed,
never trusted; an entry is usable only once its `complete` marker, written last, is there.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from insightminer import __version__
from insightminer.schema import Statement, Transcript
from insightminer.storage import atomic_write_json, atomic_write_text


@dataclass
class Analysis:
    """Everything after segmentation: findings (theme map positions included), the annotated
    statements, personas, and the models that produced them (trends follow from the findings after
    any edits, so they are not part of it)."""

    findings: dict[str, Any]
    statements: list[Statement]
    personas: dict[str, Any] | None = None
    models_used: dict[str, Any] = field(default_factory=dict)


def model_fingerprints(names: dict[str, str]) -> dict[str, str]:
    """role -> sha256 of the model folder's files (its name when it does not resolve to a folder)."""
    from insightminer.model_registry import resolve_head

    out = {}
    for role, name in sorted(names.items()):
        try:
            folder = resolve_head(name)
        except FileNotFoundError:
            out[role] = name
            continue
        digest = hashlib.sha256()
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(path.relative_to(folder).as_posix().encode())
            digest.update(path.read_bytes())
        out[role] = digest.hexdigest()
    return out


def code_fingerprint() -> str:
    """Hash of the package's own source: an edited stage never reuses a stale analysis."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def analysis_key(config: dict[str, Any], models: dict[str, str], transcripts: list[Transcript]) -> str:
    """The resume key: findings-relevant `config`, model fingerprints, code and transcript content."""
    payload = {
        "version": __version__,
        "code": code_fingerprint(),
        "config": config,
        "models": models,
        "transcripts": [t.to_dict() for t in transcripts],
    }
    # Paths are where a file was read, not what it says: they do not change the analysis.
    for t in payload["transcripts"]:
        t.pop("source", None)
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


class AnalysisCache:
    """Finished analyses under `folder` (<cache>/analysis), one entry per key."""

    def __init__(self, folder: Path, segment_field: str = "segment"):
        self.folder = Path(folder)
        self.segment_field = segment_field

    def _entry(self, key: str) -> Path:
        return self.folder / key[:40]

    def load(self, key: str) -> Analysis | None:
        entry = self._entry(key)
        if not (entry / "complete").is_file():
            return None
        import pyarrow.parquet as pq

        from insightminer.output.report import statements_from_table

        try:
            data = json.loads((entry / "analysis.json").read_text(encoding="utf-8"))
            statements = statements_from_table(pq.read_table(entry / "statements.parquet"))
            findings = data["findings"]
            if not isinstance(findings, dict) or not isinstance(findings.get("findings"), list):
                raise ValueError("findings of the wrong shape")
            return Analysis(findings, statements, data["personas"], dict(data.get("models_used") or {}))
        except Exception:  # noqa: BLE001 - a damaged cache entry of any shape is recomputed, never trusted
            return None

    def store(self, key: str, analysis: Analysis) -> None:
        from insightminer.output.report import statements_table, write_parquet

        entry = self._entry(key)
        write_parquet(entry / "statements.parquet", statements_table(analysis.statements, self.segment_field))
        atomic_write_json(
            entry / "analysis.json",
            {
                "findings": analysis.findings,
                "personas": analysis.personas,
                "models_used": analysis.models_used,
            },
        )
        atomic_write_text(entry / "complete", key + "\n")  # written last: marks the entry usable
