"""Shared fixtures: real models, loaded once per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "data" / "fixtures"
# a git worktree elsewhere can point at the data with INSIGHTMINER_SHARED_EVAL
SHARED_EVAL = Path(os.environ.get("INSIGHTMINER_SHARED_EVAL") or REPO.parent / "shared" / "eval")


@pytest.fixture(scope="session")
def embedder():
    """The real default embedding model (all-MiniLM-L6-v2 from PyPI), without a disk cache."""
    from insightminer.text.embed import Embedder

    return Embedder()


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def shared_eval() -> Path:
    if not SHARED_EVAL.is_dir():
        pytest.skip(f"shared evaluation data not present at {SHARED_EVAL}")
    return SHARED_EVAL


@pytest.fixture(scope="session")
def persona_corpus(embedder):
    """The written persona corpus (tests/_persona_data.py) with real embeddings, findings and personas."""
    from _persona_data import findings_for, make_statements

    from insightminer.insights.personas import build_personas

    statements = make_statements()
    embeddings = embedder.encode([s.text for s in statements])
    findings = findings_for(statements)
    personas = build_personas(statements, embeddings, findings, embedder=embedder)
    return statements, embeddings, findings, personas


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory):
    """The whole pipeline on the bundled sample interviews, once per session: (result, out dir, config)."""
    from insightminer import Config, Pipeline

    interviews = FIXTURES / "interviews"
    assumptions = (FIXTURES / "assumptions.txt").read_text(encoding="utf-8").splitlines()
    out = tmp_path_factory.mktemp("demo") / "out"
    cache = tmp_path_factory.mktemp("cache")
    config = Config.from_flat(cache_dir=str(cache), assumptions=[a for a in assumptions if a.strip()])
    result = Pipeline(config).run([interviews], out)
    return result, out, config


@pytest.fixture(scope="session")
def tiny_nli_model(tmp_path_factory) -> Path:
    """A randomly initialised NLI-shaped model saved locally: tests the nli plumbing, not accuracy."""
    import torch
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

    from insightminer.model_registry import resolve_embedding_model

    folder = tmp_path_factory.mktemp("tiny-nli")
    tokenizer = AutoTokenizer.from_pretrained(resolve_embedding_model("all-MiniLM-L6-v2"))
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=64,
        id2label={0: "contradiction", 1: "neutral", 2: "entailment"},
        label2id={"contradiction": 0, "neutral": 1, "entailment": 2},
    )
    BertForSequenceClassification(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder
