"""The Ray executor: the same stage code fanned out over a (local) Ray cluster gives the same results."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'insightminer[ray]')")

from insightminer import Config, Pipeline  # noqa: E402

FIXTURES = Path(__file__).resolve().parent.parent / "data" / "fixtures"


@pytest.fixture(scope="module")
def ray_cluster():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


@pytest.mark.usefixtures("ray_cluster")
def test_ray_run_matches_local_run(tmp_path, embedder):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in (
        "int01_brightpath_logistics.txt",
        "int02_northwind_health.txt",
        "int05_fernwood_staffing.srt",
    ):
        shutil.copy(FIXTURES / "interviews" / name, folder / name)
    shutil.copy(FIXTURES / "audio" / "customer_sentence.wav", folder / "voice_memo.wav")
    local = Pipeline(
        Config.from_flat(cache_dir="", min_theme_documents=1, emotions=False, personas=False)
    ).run([folder])
    distributed = Pipeline(
        Config.from_flat(
            cache_dir="", min_theme_documents=1, emotions=False, personas=False, executor="ray", ray_workers=2
        )
    ).run([folder])
    assert [r.status for r in distributed.inputs] == [r.status for r in local.inputs]
    assert [s.text for s in distributed.statements] == [s.text for s in local.statements]
    memo = next(t for t in distributed.transcripts if t.doc_id == "voice_memo")
    assert "duplicate" in " ".join(u.text.lower() for u in memo.utterances)
    # Embeddings computed by Ray actors equal the local model's, so the findings agree.
    assert [f["doc_ids"] for f in distributed.top_findings] == [f["doc_ids"] for f in local.top_findings]
    texts = [s.text for s in local.statements[:20]]
    from insightminer.distributed import RayExecutor

    remote = RayExecutor(num_workers=2).embedding_encoder("all-MiniLM-L6-v2")(texts)
    np.testing.assert_allclose(remote, embedder.encode(texts), atol=1e-5)
