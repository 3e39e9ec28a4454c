"""train_classifier on a tiny CSV: saved files, pickle-free reload, predictions, clear errors."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from insightminer.classify.heads import EmbeddingClassifier
from insightminer.classify.training import TrainingDataError, train_classifier

ROWS = {
    "billing": [
        "The invoice total was wrong again this month.",
        "We were charged twice for the same subscription.",
        "I need a refund for the duplicate payment.",
        "Why does the bill show seats we never used?",
        "The credit card charge doesn't match the quote.",
        "Our invoice arrived with the wrong tax rate.",
        "Can you explain this extra fee on the statement?",
        "Payment failed and now the account is overdue.",
    ],
    "shipping": [
        "The parcel still hasn't arrived after two weeks.",
        "Tracking says delivered but the box is nowhere.",
        "The courier left the pallet in the rain.",
        "Our order shipped to the old warehouse address.",
        "Delivery was three days later than promised.",
        "The package came damaged and the seal was broken.",
        "Can we get express shipping to the Berlin office?",
        "The truck missed its delivery window again.",
    ],
    "login": [
        "I can't sign in since the password reset.",
        "The two-factor code never reaches my phone.",
        "My account got locked after three attempts.",
        "Single sign-on keeps sending me back to the login page.",
        "The new hire can't log in with her credentials.",
        "Session expires every five minutes and logs me out.",
        "I forgot my username and the recovery email bounced.",
        "The authenticator app rejects every code I enter.",
    ],
}


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture(scope="module")
def trained(tmp_path_factory, embedder):
    folder = tmp_path_factory.mktemp("train")
    data = _write(
        folder / "tickets.csv",
        ["body", "topic"],
        [[text, label] for label, texts in ROWS.items() for text in texts],
    )
    out = folder / "tickets_head"
    metrics = train_classifier(data, "body", "topic", out, embedder=embedder, cv_folds=4, epochs=40)
    return data, out, metrics


def test_train_saves_files_and_metrics(trained):
    _, out, metrics = trained
    assert sorted(p.name for p in out.iterdir()) == ["README.md", "head.json", "head.safetensors"]
    assert metrics["labels"] == ["billing", "login", "shipping"]
    assert metrics["label_counts"] == {"billing": 8, "login": 8, "shipping": 8}
    assert metrics["cv"]["folds"] == 4
    assert metrics["cv"]["macro_f1"] >= 0.8  # three well-separated topics
    config = json.loads((out / "head.json").read_text())
    assert config["metadata"]["training_data"]["data_file"] == "tickets.csv"
    card = (out / "README.md").read_text()
    assert metrics["data_sha256"] in card and "macro-F1" in card


def test_loaded_head_is_pickle_free_and_predicts(trained, embedder):
    _, out, _ = trained
    # safetensors header + JSON only: no pickle opcodes in the weights file.
    assert not (out / "head.safetensors").read_bytes().startswith(b"\x80")
    head = EmbeddingClassifier.load(out)
    texts = [ROWS["billing"][0], ROWS["shipping"][1], ROWS["login"][2]]
    assert head.predict(embedder.encode(texts)) == ["billing", "shipping", "login"]
    unseen = ["We were billed for the wrong plan.", "The shipment is stuck at customs.", "I can't log in."]
    assert head.predict(embedder.encode(unseen)) == ["billing", "shipping", "login"]


def test_retraining_is_byte_identical(trained, embedder, tmp_path):
    data, out, _ = trained
    again = tmp_path / "again" / out.name  # the folder name is the card title
    train_classifier(data, "body", "topic", again, embedder=embedder, cv_folds=4, epochs=40)
    for name in ("head.json", "README.md", "head.safetensors"):
        assert (again / name).read_bytes() == (out / name).read_bytes(), name


def test_missing_column_lists_found_columns(tmp_path, embedder):
    data = _write(tmp_path / "x.csv", ["body", "topic"], [["a", "b"], ["c", "d"]])
    with pytest.raises(TrainingDataError, match=r"missing column.*'label'.*found.*body.*topic"):
        train_classifier(data, "body", "label", tmp_path / "out", embedder=embedder)


def test_single_example_label_is_named(tmp_path, embedder):
    rows = [[t, "billing"] for t in ROWS["billing"]] + [["Where is my parcel?", "shipping"]]
    data = _write(tmp_path / "x.csv", ["body", "topic"], rows)
    with pytest.raises(TrainingDataError, match=r"fewer than 2 examples: \['shipping'\]"):
        train_classifier(data, "body", "topic", tmp_path / "out", embedder=embedder)
    assert not (tmp_path / "out").exists()


def test_empty_label_is_reported_with_line(tmp_path, embedder):
    rows = [[t, "billing"] for t in ROWS["billing"][:3]] + [["no label here", ""]]
    data = _write(tmp_path / "x.csv", ["body", "topic"], rows)
    with pytest.raises(TrainingDataError, match=r"empty 'topic' \(lines 5\)"):
        train_classifier(data, "body", "topic", tmp_path / "out", embedder=embedder)


def test_cv_skipped_with_note_when_class_smaller_than_folds(tmp_path, embedder):
    rows = [[t, "billing"] for t in ROWS["billing"]] + [[t, "login"] for t in ROWS["login"][:3]]
    data = _write(tmp_path / "x.csv", ["body", "topic"], rows)
    metrics = train_classifier(data, "body", "topic", tmp_path / "out", embedder=embedder, epochs=20)
    assert metrics["cv"] is None
    assert "login" in metrics["cv_note"] and "5 folds" in metrics["cv_note"]
    assert (tmp_path / "out" / "head.safetensors").is_file()


def test_multi_label_training(tmp_path, embedder):
    rows = [[t, "billing"] for t in ROWS["billing"]] + [[t, "shipping"] for t in ROWS["shipping"]]
    rows += [
        ["The invoice was wrong and the parcel never arrived.", "billing;shipping"],
        ["We paid for express delivery but it came late.", "shipping; billing"],
    ]
    data = _write(tmp_path / "x.csv", ["body", "topic"], rows)
    metrics = train_classifier(
        data, "body", "topic", tmp_path / "out", embedder=embedder, multi_label=True, epochs=30
    )
    assert metrics["label_counts"] == {"billing": 10, "shipping": 10}
    head = EmbeddingClassifier.load(tmp_path / "out")
    assert head.multi_label and head.thresholds_ is not None
    assert head.predict(embedder.encode([ROWS["billing"][0]]))[0] == ["billing"]
