"""The assumption-check training data: the CSV is what the YAML batches build, and the splits never
let a held-back assumption reach training or calibration."""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _script(name: str):
    spec = importlib.util.spec_from_file_location(f"_{name}_for_tests", ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def csv_rows() -> list[dict[str, str]]:
    with (ROOT / "data" / "labels" / "assumption_pairs.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_pairs_csv_is_exactly_what_the_yaml_batches_build(csv_rows):
    make = _script("make_assumption_pairs")
    built = [r for name in make.BATCHES for r in make.batch_rows(make.LABELS_DIR / name)]
    assert built == csv_rows
    keys = [(r["assumption_id"], r["statement"]) for r in built]
    assert len(set(keys)) == len(keys)


def test_held_back_batches_stay_out_of_fit_and_calibration(csv_rows):
    train = _script("train_assumption_check")
    parts = train.split(csv_rows)
    held_ids = {r["assumption_id"] for r in parts["held"]}
    seen_ids = {r["assumption_id"] for r in parts["fit"] + parts["calib"]}
    assert held_ids and not held_ids & seen_ids
    assert all(r["batch"].startswith("held") for r in parts["held"])
    # calibration assumptions are disjoint from the weights' assumptions, and come from each dev batch
    fit_ids = {r["assumption_id"] for r in parts["fit"]}
    calib = parts["calib"]
    assert calib and not {r["assumption_id"] for r in calib} & fit_ids
    assert {r["batch"] for r in calib} == set(train.FIT_BATCHES)
    # with every development batch, each one calibrates, and the held-back split is the same
    every = tuple(sorted({r["batch"] for r in csv_rows if r["batch"].startswith("dev")}))
    wide = train.split(csv_rows, every)
    assert {r["batch"] for r in wide["calib"]} == set(every)
    assert wide["held"] == parts["held"]
    assert not {r["assumption_id"] for r in wide["held"]} & {r["assumption_id"] for r in wide["fit"]}
    assert set(train.held_batches(parts["held"])) == {r["batch"] for r in parts["held"]}
