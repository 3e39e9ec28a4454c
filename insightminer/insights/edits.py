"""Analyst edits on a finished run: rename, merge, split off statements, hide — then re-rank.

The editing loop of qualitative-analysis tools (Dovetail, Thematic) and BERTopic's `merge_topics` /
`set_topic_labels`: a researcher reads the findings, fixes what the clustering got wrong, and the
counts, ranks and quotes follow. Nothing is re-embedded: edits move statements between themes and the
findings are ranked again from the statements (evidence order falls back to the quotes already chosen).

An edits file (YAML or JSON)::

    rename: {3: "Invoices wait days for approval"}     # theme_id -> label
    merge: [[2, 5]]                                     # theme 5 joins theme 2 (the first keeps its id)
    split:                                              # these statements become a theme of their own
      - statements: ["int04:12:0", "int09:7:1"]
        label: "Approvers never see the email"
    hide: [7]                                           # not a finding (e.g. small talk about the weather)

Edits are idempotent: applying the same file to an already edited run changes nothing.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from insightminer.insights.rank import rank_findings, split_by_type
from insightminer.schema import Statement
from insightminer.themes.labels import make_label
from insightminer.themes.study import ThemeInfo, theme_type


class EditsError(ValueError):
    """An edits file that cannot be applied (bad shape, unknown theme or statement)."""


def read_edits(path: str | Path) -> dict[str, Any]:
    """Load and check an edits file; a clear EditsError for anything malformed."""
    import yaml

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise EditsError(f"cannot read edits file {path}: {exc.strerror or exc}") from exc
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise EditsError(f"edits file {path.name} is not valid YAML/JSON: {exc}") from exc
    return normalise_edits(data or {})


def normalise_edits(data: Any) -> dict[str, Any]:
    """Edits as {rename: {int: str}, merge: [[int, ...]], split: [{statements, label}], hide: [int]}."""
    if not isinstance(data, dict):
        raise EditsError("edits must be a mapping with rename / merge / split / hide")
    unknown = sorted(set(data) - {"rename", "merge", "split", "hide"})
    if unknown:
        raise EditsError(f"unknown edit(s): {', '.join(map(str, unknown))} (use rename, merge, split, hide)")

    def theme_id(value: Any, where: str) -> int:
        try:
            return int(value)
        except (TypeError, ValueError):
            raise EditsError(f"{where}: theme ids are whole numbers, got {value!r}") from None

    rename = data.get("rename") or {}
    if not isinstance(rename, dict):
        raise EditsError("rename must map theme ids to labels")
    merge = data.get("merge") or []
    if not isinstance(merge, list) or not all(isinstance(g, list) and len(g) >= 2 for g in merge):
        raise EditsError("merge must be a list of lists of two or more theme ids")
    split = data.get("split") or []
    if not isinstance(split, list) or not all(
        isinstance(s, dict) and isinstance(s.get("statements"), list) and s["statements"] for s in split
    ):
        raise EditsError("split must be a list of {statements: [statement ids], label: text}")
    hide = data.get("hide") or []
    if not isinstance(hide, list):
        raise EditsError("hide must be a list of theme ids")
    return {
        "rename": {theme_id(k, "rename"): str(v).strip() for k, v in sorted(rename.items(), key=str)},
        "merge": [[theme_id(t, "merge") for t in group] for group in merge],
        "split": [
            {"statements": [str(x) for x in s["statements"]], "label": str(s.get("label") or "").strip()}
            for s in split
        ],
        "hide": sorted({theme_id(t, "hide") for t in hide}),
    }


def _theme_infos(findings: dict[str, Any]) -> dict[int, ThemeInfo]:
    infos: dict[int, ThemeInfo] = {}
    for name in ("findings", "requests", "praise", "questions", "hidden"):
        for f in findings.get(name, []):
            infos[int(f["theme_id"])] = ThemeInfo(
                theme_id=int(f["theme_id"]),
                label=f["label"],
                keywords=list(f.get("keywords", [])),
                type=f.get("type", "pain_point"),
                representative_ids=[q["statement_id"] for q in f.get("evidence", [])],
                subthemes=list(f.get("subthemes", [])),
                seed=f.get("seed"),
                mentioned_doc_ids=list(f.get("mentioned_without_problem", {}).get("doc_ids", [])),
            )
    return infos


def apply_edits(
    findings: dict[str, Any], statements: list[Statement], edits: dict[str, Any]
) -> dict[str, Any]:
    """The findings after the edits, re-ranked from the statements (whose theme_id the edits move)."""
    edits = normalise_edits(edits)
    infos = _theme_infos(findings)
    by_id = {s.statement_id: s for s in statements}
    for group in edits["merge"]:
        keep, *others = group
        if keep not in infos:
            raise EditsError(f"merge: no theme {keep} in this run")
        for other in others:
            if other == keep or other not in infos:
                continue  # already merged
            for s in statements:
                if s.theme_id == other:
                    s.theme_id = keep
            infos[keep].keywords += [k for k in infos[other].keywords if k not in infos[keep].keywords]
            infos[keep].mentioned_doc_ids = sorted(
                set(infos[keep].mentioned_doc_ids) | set(infos[other].mentioned_doc_ids)
            )
            del infos[other]
    for entry in edits["split"]:
        missing = [sid for sid in entry["statements"] if sid not in by_id]
        if missing:
            raise EditsError(f"split: unknown statement id(s) {', '.join(missing[:5])}")
        chosen = [by_id[sid] for sid in entry["statements"]]
        current = {s.theme_id for s in chosen}
        if len(current) == 1 and (t := next(iter(current))) >= 0:
            if sum(1 for s in statements if s.theme_id == t) == len(chosen):
                if entry["label"]:
                    infos[t].label = entry["label"]
                continue  # already split off
        new_id = max(infos, default=-1) + 1
        for s in chosen:
            s.theme_id = new_id
        infos[new_id] = ThemeInfo(new_id, entry["label"] or make_label([]), [], type="pain_point")
    for theme_id, label in edits["rename"].items():
        if theme_id not in infos:
            raise EditsError(f"rename: no theme {theme_id} in this run")
        if label:
            infos[theme_id].label = label
    # Each theme's type follows the statements it now holds.
    doc_kinds: dict[int, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for s in statements:
        if s.theme_id >= 0:
            doc_kinds[s.theme_id][s.doc_id].add(s.kind)
    for theme_id, info in infos.items():
        if doc_kinds.get(theme_id):
            info.type = theme_type(doc_kinds[theme_id])
    config = findings.get("config", {})
    summary = dict(findings.get("summary", {}))
    ranked = rank_findings(
        statements,
        None,
        [infos[t] for t in sorted(infos)],
        segment_field=summary.get("segment_field", config.get("segment_field", "segment")),
        min_documents=summary.get("min_theme_documents", config.get("min_theme_documents", 2)),
        evidence_per_finding=config.get("evidence_per_finding", 5),
    )
    hidden = [f for f in ranked if f["theme_id"] in set(edits["hide"])]
    shown = [f for f in ranked if f["theme_id"] not in set(edits["hide"])]
    lists = split_by_type(shown)
    for items in lists.values():
        for rank, f in enumerate(items, start=1):
            f["rank"] = rank
    for f in hidden:
        f["rank"] = None
    summary["themes"] = len(infos)
    summary["findings_by_type"] = {name: len(items) for name, items in lists.items()}
    out = {k: v for k, v in findings.items() if k not in {"findings", "requests", "praise", "questions"}}
    out.update(lists)
    out["summary"] = summary
    out["hidden"] = hidden
    out["edits"] = edits
    return out
