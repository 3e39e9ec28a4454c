"""models/manifest.json lists every shipped model with the exact bytes that are shipped."""

from __future__ import annotations

import json
import shutil

from insightminer.model_registry import MANIFEST_NAME, build_manifest, models_dir, verify_manifest
from insightminer.storage import dumps_json


def test_manifest_matches_the_shipped_files():
    assert verify_manifest(models_dir()) == []
    # And it is exactly what the generator writes (so figures and tasks are current too).
    current = (models_dir() / MANIFEST_NAME).read_text(encoding="utf-8")
    assert current == dumps_json(build_manifest(models_dir())), "run scripts/make_model_manifest.py"


def test_manifest_entries_are_pickle_free_and_documented():
    manifest = json.loads((models_dir() / MANIFEST_NAME).read_text(encoding="utf-8"))
    names = {m["name"] for m in manifest["models"]}
    assert {"statement-kind", "emotions-hybrid", "motivators"} <= names
    for model in manifest["models"]:
        assert model["card"] == "README.md", model["name"]
        suffixes = {f["path"].rsplit(".", 1)[-1] for f in model["files"]}
        assert not suffixes & {"pkl", "pickle", "joblib", "pt", "bin"}, model["name"]
        assert model["figures"], f"{model['name']}: no measured figures in head.json"


def test_verify_manifest_catches_tampering_and_strays(tmp_path):
    folder = tmp_path / "models"
    shutil.copytree(models_dir() / "motivators", folder / "motivators")
    (folder / MANIFEST_NAME).write_text(dumps_json(build_manifest(folder)), encoding="utf-8")
    assert verify_manifest(folder) == []
    with (folder / "motivators" / "head.safetensors").open("r+b") as handle:
        handle.seek(100)
        byte = handle.read(1)
        handle.seek(100)
        handle.write(bytes([byte[0] ^ 0xFF]))
    (folder / "stray").mkdir()
    problems = verify_manifest(folder)
    assert any("head.safetensors" in p and "differs" in p for p in problems), problems
    assert any(p.startswith("stray:") for p in problems), problems
