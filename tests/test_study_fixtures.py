"""The development / held-out studies under data/fixtures/studies: every file read, truth consistent."""

from __future__ import annotations

import csv
import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest

from insightminer.ingest.files import ingest_paths
from insightminer.ingest.readers.common import clean_text

ROOT = Path(__file__).resolve().parents[1]
STUDIES = ROOT / "data" / "fixtures" / "studies"
NAMES = sorted(p.name for p in STUDIES.iterdir() if (p / "truth.json").exists()) if STUDIES.exists() else []
GENERATORS = {"clinic-scheduling": "make_study.py", "fleet-holdout": "make_fleet_study.py"}


def _truth(name: str) -> dict:
    return json.loads((STUDIES / name / "truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module", params=NAMES)
def study(request):
    folder = STUDIES / request.param / "interviews"
    transcripts, records = ingest_paths([folder])
    return request.param, _truth(request.param), {t.doc_id: t for t in transcripts}, records


def test_clinic_study_exists():
    assert "clinic-scheduling" in NAMES


def test_every_file_is_read(study):
    name, truth, docs, records = study
    skipped = [(r.path, r.reason) for r in records if r.status != "processed"]
    assert skipped == []
    files = [p for p in (STUDIES / name / "interviews").iterdir() if p.name != "metadata.csv"]
    assert len(files) == truth["n_docs"] == len(docs)
    with open(STUDIES / name / "interviews" / "metadata.csv", encoding="utf-8") as fh:
        meta = {row["doc_id"]: row for row in csv.DictReader(fh)}
    assert set(docs) == set(meta) == set(truth["team"])
    for doc_id, t in docs.items():
        assert t.metadata["segment"] == meta[doc_id]["segment"]
        assert 20 <= len(t.utterances) or meta[doc_id]["format"] == "gong_csv"  # Gong: a row per sentence


def test_truth_sentences_occur_in_their_files(study):
    _, truth, docs, _ = study
    for s in truth["sentences"]:
        said = [clean_text(u.text) for u in docs[s["doc_id"]].utterances if u.speaker == s["speaker"]]
        assert any(clean_text(s["text"]) in text for text in said), s


def test_truth_is_consistent(study):
    name, truth, _, _ = study
    team_file = (STUDIES / name / "team.txt").read_text(encoding="utf-8").split("\n")
    assert sorted(n for n in team_file if n) == sorted({n for names in truth["team"].values() for n in names})
    sentences = truth["sentences"]
    pain_ids = {p["id"] for p in truth["pains"]}
    for p in truth["pains"]:
        voiced = {s["doc_id"] for s in sentences if s["tag"] == p["id"]}
        assert sorted(voiced) == p["doc_ids"] and p["n_docs"] == len(voiced)
        assert 3 <= len(p["label"].split()) <= 8
        denied = {s["doc_id"] for s in sentences if s["tag"] == f"denial:{p['id']}"}
        assert not denied & voiced, p["id"]  # a denial is only planted where the pain is not
    for s in sentences:
        team = truth["team"][s["doc_id"]]
        kind, _, pid = s["tag"].partition(":")
        if s["tag"] in pain_ids or kind in ("denial", "one_off", "praise"):
            assert s["speaker"] not in team, s  # customers voice pains, denials, one-offs, praise
        else:
            assert kind in ("rep_only", "interviewer_mention") and s["speaker"] in team, s
        assert not pid or pid in pain_ids
    # Variety: no pain sentence is reused verbatim in another interview.
    seen: dict[str, str] = {}
    for s in sentences:
        if s["tag"] in pain_ids:
            key = s["text"].lower()
            assert seen.setdefault(key, s["doc_id"]) == s["doc_id"], s
    # ... and no opening (first three words) of a pain sentence is used in more than two interviews.
    openings: dict[str, set[str]] = {}
    for s in sentences:
        if s["tag"] in pain_ids:
            opening = " ".join(re.findall(r"[a-z']+", s["text"].lower())[:3])
            openings.setdefault(opening, set()).add(s["doc_id"])
    assert max(len(docs) for docs in openings.values()) <= 2
    one_offs = [s["doc_id"] for s in sentences if s["tag"] == "one_off"]
    assert len(one_offs) == len(set(one_offs)) >= 4
    assert sum(s["tag"] == "rep_only" for s in sentences) >= 6


def test_gong_csv_affiliation_marks_the_sellers_people(study):
    _, truth, docs, _ = study
    for doc_id, t in docs.items():
        if t.source_format != "csv":
            continue
        for u in t.utterances:
            assert u.role == ("interviewer" if u.speaker in truth["team"][doc_id] else "customer")


def test_several_seller_side_people_in_sales_calls():
    truth = _truth("clinic-scheduling")
    assert sum(len(team) == 2 for team in truth["team"].values()) >= 3
    assert sum(len(c) == 2 for c in truth["customers"].values()) >= 3


def test_assumptions_match_truth():
    for name in NAMES:
        folder = STUDIES / name
        if not (folder / "assumptions_truth.json").exists():
            continue
        lines = [x for x in (folder / "assumptions.txt").read_text(encoding="utf-8").splitlines() if x]
        data = json.loads((folder / "assumptions_truth.json").read_text(encoding="utf-8"))
        assert [a["text"] for a in data["assumptions"]] == lines
        pains = {p["id"]: p for p in _truth(name)["pains"]}
        verdicts = {a["verdict"] for a in data["assumptions"]}
        assert {"true", "half_true", "false", "never_voiced"} <= verdicts
        for a in data["assumptions"]:
            if a["pain_id"]:
                assert a["true_docs"] == pains[a["pain_id"]]["n_docs"]


@pytest.mark.parametrize("name", [n for n in NAMES if n in GENERATORS])
def test_generator_reproduces_the_files(tmp_path, name):
    path = ROOT / "scripts" / GENERATORS[name]
    sys.path.insert(0, str(path.parent))
    try:
        spec = importlib.util.spec_from_file_location(f"_gen_{name.replace('-', '_')}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.make(tmp_path)
    finally:
        sys.path.remove(str(path.parent))
    ours = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    for rel in ours:
        assert (tmp_path / rel).read_bytes() == (STUDIES / name / rel).read_bytes(), rel
