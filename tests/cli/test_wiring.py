"""Wiring: every option of the CLI reaches the setting it names, and Config reaches the stages.

The CLI tests record what the command hands on (Pipeline's Config, train_classifier's keywords): no
model runs there, so they are fast. The stage tests run the real classifier code on a tiny local model.
"""

from __future__ import annotations

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from insightminer.cli import app

runner = CliRunner()


class _Recorded(Exception):
    """Stops the command once it has handed its settings on (nothing is analysed)."""


def _options(command: str) -> set[str]:
    """Every long option of a command, as the parser knows it (help excluded)."""
    click_command = typer.main.get_command(app).commands[command]
    return {opt for param in click_command.params for opt in param.opts if opt.startswith("--")} - {"--help"}


def _field(config, name: str):
    """A Config field by its 0.x flat name or as "section.field"."""
    from insightminer.config import FLAT_NAMES

    section, _, field = FLAT_NAMES.get(name, name).partition(".")
    return getattr(getattr(config, section), field)


def _run_config(monkeypatch, args: list[str]):
    import insightminer.pipeline

    seen = {}

    class RecordingPipeline:
        def __init__(self, config, console=None, on_input=None):
            seen["config"], seen["console"] = config, console
            seen["on_input"] = on_input

        def run(self, inputs, out):
            seen["inputs"], seen["out"] = list(inputs), out
            raise _Recorded

    monkeypatch.setattr(insightminer.pipeline, "Pipeline", RecordingPipeline)
    result = runner.invoke(app, ["run", *args])
    assert isinstance(result.exception, _Recorded), result.output
    return seen


def test_every_run_option_reaches_its_config_field(tmp_path, monkeypatch):
    team = tmp_path / "team.txt"
    team.write_text("Dana Rep\n", encoding="utf-8")
    seeds = tmp_path / "seeds.txt"
    seeds.write_text("# a comment\nslow exports\n\nbilling errors\n", encoding="utf-8")
    assumptions = tmp_path / "assumptions.txt"
    assumptions.write_text("pricing is too high\n", encoding="utf-8")
    nli = tmp_path / "my-nli"
    # option -> (its value(s) on the command line, Config field, the value the field must hold)
    cases = {
        "--customer": (["Ann", "Bo"], "customer_speakers", ["Ann", "Bo"]),
        "--interviewer": (["Ivy"], "interviewer_speakers", ["Ivy"]),
        "--team": ([str(team)], "team", ["Dana Rep"]),
        "--metadata": (["meta.csv"], "metadata_file", "meta.csv"),
        "--assumptions": ([str(assumptions)], "assumptions", ["pricing is too high"]),
        "--seed-topics": ([str(seeds)], "seed_topics", ["slow exports", "billing errors"]),
        "--segment-field": (["plan"], "segment_field", "plan"),
        "--embedding-model": (["my-embedder"], "embedding_model", "my-embedder"),
        "--emotion-model": (["emotions-finetuned"], "emotion_model", "emotions-finetuned"),
        "--motivator-model": (["my-motivators"], "motivator_model", "my-motivators"),
        "--motivator-backend": (["nli"], "motivator_backend", "nli"),
        "--nli-model": ([str(nli)], "nli_model", str(nli)),
        "--asr-model": (["base"], "asr_model", "base"),
        "--asr-backend": (["transformers"], "asr_backend", "transformers"),
        "--device": (["cuda"], "device", "cuda"),
        "--min-theme-documents": (["3"], "min_theme_documents", 3),
        "--unlabelled-speaker": (["Caller"], "unlabelled_speaker", "Caller"),
        "--max-file-mb": (["2.5"], "max_file_mb", 2.5),
        "--fields": (["speaker=Spkr,text=Body"], "fields", {"speaker": "Spkr", "text": "Body"}),
        "--records": (["meeting.turns"], "records", "meeting.turns"),
        "--no-emotions": ([], "emotions", False),
        "--no-motivators": ([], "motivators", False),
        "--cache-dir": (["cache-here"], "cache_dir", "cache-here"),
        "--executor": (["ray"], "executor", "ray"),
        "--ray-address": (["auto"], "ray_address", "auto"),
        "--ray-workers": (["3"], "ray_workers", 3),
        "--edits": (["edits.yaml"], "edits_file", "edits.yaml"),
        "--embedding-backend": (["torch"], "embedding_backend", "torch"),
        "--min-confidence": (["0.6"], "min_confidence", 0.6),
        "--speakers": (["3"], "num_speakers", 3),
        "--min-speakers": (["2"], "min_speakers", 2),
        "--max-speakers": (["5"], "max_speakers", 5),
        "--speaker-names": (["Rep,Ana"], "speaker_names", ("Rep", "Ana")),
        "--min-theme-size": (["4"], "min_theme_size", 4),
        "--resolution": (["1.5"], "themes.resolution", 1.5),
        "--embed-clips": ([], "embed_clips", True),
        # a --x/--no-x pair: the case passes the non-default spelling itself
        "--diarize": (["--no-diarize"], "diarize", False),
        "--quiet": ([], "progress", False),
    }
    # --out is where the run is written, not a setting of the analysis.
    assert _options("run") - {"--out"} == set(cases), "a `run` option has no wiring case here"

    args: list[str] = [str(tmp_path / "interviews"), "--out", str(tmp_path / "out")]
    for option, (values, _, _) in cases.items():
        if values and values[0].startswith("--"):
            args += values
            continue
        if not values:
            args.append(option)
        for value in values:
            args += [option, value]
    seen = _run_config(monkeypatch, args)
    config = seen["config"]
    for option, (_, field, expected) in cases.items():
        assert _field(config, field) == expected, option
    assert seen["inputs"] == [tmp_path / "interviews"] and seen["out"] == tmp_path / "out"
    assert seen["on_input"] is None  # --quiet: no line per input

    # Every field the options set differs from its default, so a dropped option cannot pass unseen.
    from insightminer.config import Config

    default = Config.from_flat(progress=True)  # the CLI's default: progress unless --quiet
    assert [option for option, (_, field, value) in cases.items() if _field(default, field) == value] == []


def test_run_defaults_are_configs_defaults(tmp_path, monkeypatch):
    from insightminer.config import Config

    config = _run_config(monkeypatch, [str(tmp_path)])["config"]
    expected = Config.from_flat(progress=True)
    assert config == expected


def test_run_nli_backend_without_a_model_fails_before_any_work(tmp_path):
    result = runner.invoke(app, ["run", str(tmp_path), "--motivator-backend", "nli"])
    assert result.exit_code != 0
    assert "--nli-model" in " ".join(result.output.split())


# -- Config -> stage ---------------------------------------------------------------------------


def _statements():
    from insightminer.schema import Statement

    texts = ["We need to cut our emissions this year.", "The export keeps failing on big files."]
    return [
        Statement(statement_id=f"d:{i}:0", doc_id="d", speaker="Ann", role="customer", text=t)
        for i, t in enumerate(texts)
    ]


def test_pipeline_hands_nli_model_to_the_motivator_stage(tiny_nli_model):
    from insightminer import Config, Pipeline

    nli = tiny_nli_model
    config = Config.from_flat(motivator_backend="nli", nli_model=str(nli), cache_dir="", emotions=False)
    statements = _statements()
    pipeline = Pipeline(config)
    pipeline.classify(statements, np.zeros((len(statements), 384), dtype=np.float32))
    assert pipeline.models_used["motivators"].startswith("nli:")
    # The nli backend reports the labels it finds entailed; each score is a probability.
    assert all(0.0 <= v <= 1.0 for s in statements for v in s.motivators.values())


def test_pipeline_names_a_missing_nli_model(tmp_path):
    from insightminer import Config, Pipeline
    from insightminer.classify.motivators import ModelUnavailableError

    missing = tmp_path / "no-such-nli"
    config = Config.from_flat(motivator_backend="nli", nli_model=str(missing), cache_dir="", emotions=False)
    with pytest.raises(ModelUnavailableError, match="Cannot load the NLI model") as info:
        Pipeline(config).classify(_statements(), np.zeros((2, 384), dtype=np.float32))
    assert str(missing) in str(info.value)


def test_train_classifier_options_reach_the_training(tmp_path, monkeypatch):
    """--label-separator, --cv-folds, --seed and --epochs change what is trained (real training, tiny CSV)."""
    import csv
    import json

    monkeypatch.setenv("INSIGHTMINER_CACHE_DIR", str(tmp_path / "cache"))
    rows = [[f"The invoice for order {i} was charged twice.", "billing"] for i in range(3)]
    rows += [[f"Parcel {i} arrived a week late.", "shipping"] for i in range(3)]
    rows += [["We were billed for express delivery and it came late.", "billing|shipping"]]
    data = tmp_path / "labels.csv"
    with data.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["body", "topic"], *rows])
    out = tmp_path / "head"
    args = ["train-classifier", str(data), "--text-column", "body", "--label-column", "topic"]
    args += ["--out", str(out), "--multi-label", "--label-separator", "|"]
    args += ["--cv-folds", "3", "--seed", "7", "--epochs", "5"]
    assert _options("train-classifier") >= {"--label-separator", "--cv-folds", "--seed", "--epochs"}
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    trained = json.loads((out / "head.json").read_text(encoding="utf-8"))["metadata"]["training_data"]
    # "|" split the last row into two labels (the default ";" would have made a third label of it).
    assert trained["labels"] == ["billing", "shipping"]
    assert trained["label_counts"] == {"billing": 4, "shipping": 4}
    assert trained["cv"]["folds"] == 3
    assert (trained["random_state"], trained["epochs"]) == (7, 5)
