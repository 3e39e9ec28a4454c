"""End-to-end transcription on the real offline Whisper tiny.en (faster-whisper and transformers)."""

from __future__ import annotations

import json
import re
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from insightminer.cli.transcribe import transcribe_command
from insightminer.speech.audio import AudioError, decode_audio, write_audio
from insightminer.speech.diarize import SINGLE_SPEAKER, PyannoteDiarizer
from insightminer.speech.transcribe import TranscribeOptions, Transcriber

FORMATS = ("wav", "mp3", "m4a", "ogg")


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.lower()))


@pytest.fixture(scope="session")
def audio_dir(fixtures_dir: Path) -> Path:
    return fixtures_dir / "audio"


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("asr-cache")


@pytest.fixture(scope="session")
def options(cache_dir: Path) -> TranscribeOptions:
    return TranscribeOptions(model="tiny.en", device="cpu", cache_dir=str(cache_dir))


@pytest.fixture(scope="session")
def transcriber(options: TranscribeOptions) -> Transcriber:
    return Transcriber(options)


@pytest.fixture(scope="session")
def results(transcriber: Transcriber, audio_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One batched run over every fixture plus a silent file: the model runs once for all of them."""
    silent = tmp_path_factory.mktemp("silent") / "silent.wav"
    write_audio(silent, np.zeros(16000 * 5, dtype=np.float32))
    paths = [audio_dir / f"customer_sentence.{ext}" for ext in FORMATS]
    paths += [audio_dir / "call_stereo.m4a", audio_dir / "silence_tail.flac", silent]
    events: list[dict] = []
    out = {p.name: r for p, r in transcriber.transcribe_many(paths, progress=events.append)}
    out["_events"] = events
    out["_stats"] = dict(transcriber.stats)
    return out


@pytest.mark.parametrize("ext", FORMATS)
def test_customer_sentence_key_words(results: dict, ext: str) -> None:
    transcript = results[f"customer_sentence.{ext}"]
    assert transcript.doc_id == "customer_sentence" and transcript.source_format == "audio"
    assert [u.speaker for u in transcript.utterances] == [SINGLE_SPEAKER]
    text = " ".join(u.text for u in transcript.utterances)
    assert {"duplicate", "records"} <= words(text), text
    if ext == "wav":
        assert "crm" in words(text), text
    utt = transcript.utterances[0]
    assert 0.0 <= utt.start < 0.5 and 6.0 < utt.end <= 6.9
    assert any("offline diarization: 1 speaker found" in n for n in transcript.notes)


def test_batched_over_files_in_one_model_call(results: dict) -> None:
    # the six short files with speech went through the model together
    stats = results["_stats"]
    assert stats["model_calls"] == 1 and stats["cache_hits"] == 0
    statuses = [(e["path"].name, e["status"]) for e in results["_events"]]
    assert statuses[-1] == ("silent.wav", "skipped")
    assert all(s == "processed" for _, s in statuses[:-1])
    assert stats["audio_seconds"] > 60 and stats["rtf"] > 0 and stats["skipped"] == 1


def test_stereo_call_split_by_channel(results: dict) -> None:
    transcript = results["call_stereo.m4a"]
    speakers = [u.speaker for u in transcript.utterances]
    assert speakers == ["Channel 1", "Channel 2", "Channel 1", "Channel 2"], speakers
    starts = [u.start for u in transcript.utterances]
    assert starts == sorted(starts)
    rep = words(" ".join(u.text for u in transcript.utterances if u.speaker == "Channel 1"))
    customer = words(" ".join(u.text for u in transcript.utterances if u.speaker == "Channel 2"))
    assert {"joining", "call", "problem", "happen"} <= rep
    assert {"late", "export", "month", "frustrated"} <= customer
    assert not {"export", "frustrated"} & rep and not {"joining", "happen"} & customer
    assert any("stereo call recording" in n for n in transcript.notes)


def test_silence_tail_has_no_hallucinated_text(results: dict, audio_dir: Path) -> None:
    audio = decode_audio(audio_dir / "silence_tail.flac")
    speech_end = np.nonzero(np.abs(audio) > 0.01)[0][-1] / 16000
    assert len(audio) / 16000 - speech_end > 4.9  # the fixture really ends in 5 s of silence
    transcript = results["silence_tail.flac"]
    assert transcript.utterances, "the speech part must be transcribed"
    assert all(u.start < speech_end for u in transcript.utterances)
    assert transcript.utterances[-1].end <= speech_end + 0.6
    assert {"late", "export"} <= words(" ".join(u.text for u in transcript.utterances))


def test_pure_silence_is_an_audio_error(results: dict) -> None:
    error = results["silent.wav"]
    assert isinstance(error, AudioError) and "no speech detected" in str(error)


def test_cache_rerun_transcribes_nothing(results: dict, options: TranscribeOptions, audio_dir: Path) -> None:
    fresh = Transcriber(options)
    again = fresh.transcribe(audio_dir / "call_stereo.m4a")
    assert again.to_dict() == results["call_stereo.m4a"].to_dict()
    assert fresh.stats["cache_hits"] == 1 and fresh.stats["model_calls"] == 0
    assert fresh.backend_ is None  # the model was never even loaded


def test_bad_audio_is_skipped_with_reason(transcriber: Transcriber, tmp_path: Path, audio_dir: Path) -> None:
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    corrupt = tmp_path / "corrupt.m4a"
    corrupt.write_bytes(b"\x00\x00\x00\x18ftypM4A " + b"\x07" * 500)
    limited = Transcriber(TranscribeOptions(max_duration_s=3600, use_cache=False))
    with pytest.raises(AudioError, match="over the limit of 1.00 h"):
        limited.transcribe(audio_dir / "silence_3h.flac")
    out = dict(transcriber.transcribe_many([empty, corrupt]))
    assert "empty file" in str(out[empty])
    assert "corrupt" in str(out[corrupt])


def test_three_hour_file_streams_in_bounded_time_and_memory(audio_dir: Path) -> None:
    transcriber = Transcriber(TranscribeOptions(use_cache=False))
    tracemalloc.start()
    t0 = time.perf_counter()
    with pytest.raises(AudioError, match="no speech detected in 10800.0 s"):
        transcriber.transcribe(audio_dir / "silence_3h.flac")
    elapsed = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # the whole file at 16 kHz float32 would be 691 MB; streaming holds about one 10-minute block
    assert peak < 250e6, peak
    assert elapsed < 60, elapsed
    assert transcriber.stats["model_calls"] == 0


@pytest.mark.usefixtures("results")  # after the batched run, as before
def test_speech_across_a_streaming_block_edge_is_kept_whole(
    transcriber: Transcriber, audio_dir: Path, tmp_path: Path
) -> None:
    speech = decode_audio(audio_dir / "customer_sentence.wav")
    audio = np.zeros(16000 * 620, dtype=np.float32)
    audio[16000 * 597 : 16000 * 597 + len(speech)] += speech  # straddles the 600 s block edge
    path = tmp_path / "edge.flac"
    write_audio(path, audio)
    transcript = transcriber.transcribe(path)
    assert len(transcript.utterances) == 1
    utt = transcript.utterances[0]
    assert 596.5 < utt.start < 597.5 and 603 < utt.end < 604
    assert {"crm", "duplicate", "records", "week"} <= words(utt.text), utt.text


class _ChannelEnergyDiarizer:
    """A real (signal-based) diarizer for the hook test: turns from the original channels' energy."""

    name = "channel-energy"

    def __init__(self, stereo: np.ndarray):
        self.stereo = stereo

    def __call__(self, _audio: np.ndarray, sample_rate: int) -> list[tuple[float, float, str]]:
        hop = sample_rate // 10
        n = self.stereo.shape[1] // hop
        energy = (self.stereo[:, : n * hop].reshape(2, n, hop) ** 2).mean(axis=2)
        turns: list[tuple[float, float, str]] = []
        for i in range(n):
            if energy[:, i].max() < 1e-5:
                continue
            label = "Rep" if energy[0, i] > energy[1, i] else "Customer"
            if turns and turns[-1][2] == label and i * 0.1 - turns[-1][1] < 1.0:
                turns[-1] = (turns[-1][0], (i + 1) * 0.1, label)
            else:
                turns.append((i * 0.1, (i + 1) * 0.1, label))
        return turns


@pytest.mark.usefixtures("results")
def test_diarizer_hook_on_mono_downmix(
    options: TranscribeOptions, transcriber: Transcriber, audio_dir: Path, tmp_path: Path
) -> None:
    loaded = transcriber
    stereo = decode_audio(audio_dir / "call_stereo.m4a", mono=False)
    mono = tmp_path / "call_mono.flac"
    write_audio(mono, stereo.mean(axis=0))
    transcriber = Transcriber(options, diarizer=_ChannelEnergyDiarizer(stereo))
    transcriber.backend_ = loaded.backend_  # same model and options: reuse the session's loaded model
    transcript = transcriber.transcribe(mono)
    assert [u.speaker for u in transcript.utterances] == ["Rep", "Customer", "Rep", "Customer"]
    customer = words(" ".join(u.text for u in transcript.utterances if u.speaker == "Customer"))
    assert {"export", "frustrated"} <= customer
    assert not any("single-speaker" in n for n in transcript.notes)


def test_pyannote_diarizer_is_optional() -> None:
    if PyannoteDiarizer.available():
        pytest.skip("pyannote.audio is installed; its pipeline needs a user-provided model folder")
    diarizer = PyannoteDiarizer("/nonexistent/pipeline")
    with pytest.raises(ImportError, match="pip install pyannote.audio"):
        diarizer(np.zeros(16000, dtype=np.float32), 16000)


@pytest.mark.usefixtures("results")
def test_transcribe_command_writes_outputs_and_manifest(
    options: TranscribeOptions, audio_dir: Path, tmp_path: Path
) -> None:
    from rich.console import Console

    bad = tmp_path / "in" / "broken.mp3"
    bad.parent.mkdir()
    bad.write_text("not audio")
    console = Console(file=open(tmp_path / "console.txt", "w"), width=120)  # noqa: SIM115
    inputs = [audio_dir / "call_stereo.m4a", audio_dir / "customer_sentence.wav", bad.parent]
    code = transcribe_command(inputs, tmp_path / "out", options, console)
    console.file.close()
    assert code == 0
    manifest = json.loads((tmp_path / "out" / "transcribe.json").read_text())
    status = {Path(r["path"]).name: (r["status"], r["reason"]) for r in manifest["inputs"]}
    assert status["call_stereo.m4a"] == ("processed", None)
    assert status["broken.mp3"][0] == "skipped" and "corrupt" in status["broken.mp3"][1]
    assert manifest["stats"]["cache_hits"] == 2  # the session run cached both
    vtt = (tmp_path / "out" / "call_stereo.vtt").read_text()
    assert "<v Channel 1>" in vtt and "<v Channel 2>" in vtt
    srt = (tmp_path / "out" / "call_stereo.srt").read_text()
    assert "Channel 2: " in srt
    assert "skipped" in (tmp_path / "console.txt").read_text()


@pytest.fixture(scope="session")
def hf_tiny_en(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Whisper tiny.en converted from the bundled CTranslate2 weights into a transformers folder."""
    from insightminer.speech.whisper_models import convert_ct2_to_transformers, tiny_en_path

    return convert_ct2_to_transformers(tiny_en_path(), tmp_path_factory.mktemp("hf") / "whisper-tiny.en")


def test_transformers_backend_on_real_weights(hf_tiny_en: Path, audio_dir: Path) -> None:
    assert (hf_tiny_en / "model.safetensors").is_file()
    transcriber = Transcriber(
        TranscribeOptions(model=str(hf_tiny_en), backend="transformers", device="cpu", use_cache=False)
    )
    transcript = transcriber.transcribe(audio_dir / "customer_sentence.wav")
    text = " ".join(u.text for u in transcript.utterances)
    assert {"crm", "duplicate", "records"} <= words(text), text
    assert transcriber.stats["model_calls"] == 1
    # word timestamps from the cross-attention alignment heads: ordered, inside the 6.75 s clip
    utt = transcript.utterances[0]
    assert utt.words and "duplicate" in " ".join(str(w[2]).lower() for w in utt.words)
    assert all(a[0] <= b[0] for a, b in zip(utt.words, utt.words[1:], strict=False))
    assert 0.0 <= utt.start < 1.0 and 5.0 < utt.end <= 6.8 and utt.end == utt.words[-1][1]


@pytest.mark.gpu
def test_faster_whisper_on_cuda(audio_dir: Path) -> None:
    import ctranslate2

    if ctranslate2.get_cuda_device_count() == 0:
        pytest.skip("no CUDA GPU on this machine")
    transcriber = Transcriber(TranscribeOptions(device="cuda", use_cache=False))
    text = " ".join(u.text for u in transcriber.transcribe(audio_dir / "customer_sentence.wav").utterances)
    assert {"duplicate", "records"} <= words(text)
