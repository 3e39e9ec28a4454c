"""Offline diarization of mono audio on real speech: the GE2E encoder, the speaker count, turn
boundaries, speaker-attributed transcripts with word times, and the clips command."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from insightminer.schema import Transcript, Utterance
from insightminer.speech.audio import decode_audio, probe_audio, write_audio
from insightminer.speech.diarize import DiarizeOptions, EmbeddingDiarizer, speaker_at
from insightminer.speech.speaker_encoder import VoiceEncoder, mel_filters
from insightminer.speech.transcribe import TranscribeOptions, Transcriber, split_by_speaker
from insightminer.text.roles import assign_roles
from insightminer.text.segment import segment_transcript

SR = 16000
GAP_S = 0.5


def _speech_bounds(clip: np.ndarray) -> tuple[float, float]:
    active = np.nonzero(np.abs(clip) > 0.02 * np.abs(clip).max())[0]
    return active[0] / SR, active[-1] / SR


@pytest.fixture(scope="session")
def encoder() -> VoiceEncoder:
    return VoiceEncoder()


@pytest.fixture(scope="session")
def two_speaker_call(shared_eval: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """A 15 s mono 'call' of two real voices: LibriSpeech reader 1089, JFK, 1089 again (pauses 0.5 s)."""
    base = shared_eval / "librispeech-mini"
    a1 = decode_audio(base / "LibriSpeech/test-clean/1089/134686/1089-134686-0001.flac")  # 3.3 s
    b = decode_audio(base / "jfk/jfk.flac")[: int(5.5 * SR)]  # "And so, my fellow Americans, ..."
    a2 = decode_audio(base / "LibriSpeech/test-clean/1089/134691/1089-134691-0001.flac")  # 5.4 s
    gap = np.zeros(int(GAP_S * SR), dtype=np.float32)
    audio = np.concatenate([a1, gap, b, gap, a2])
    b_at = (len(a1) + len(gap)) / SR
    a2_at = b_at + (len(b) + len(gap)) / SR
    truth = [  # speech of each turn (the clips' own leading/trailing silence left out)
        ("A", *_speech_bounds(a1)),
        ("B", *(b_at + t for t in _speech_bounds(b))),
        ("A", *(a2_at + t for t in _speech_bounds(a2))),
    ]
    path = tmp_path_factory.mktemp("calls") / "mono_call.wav"
    write_audio(path, audio)
    return {"path": path, "audio": audio, "truth": truth}


def test_mel_front_end_matches_librosa_slaney_filters() -> None:
    # transformers' mel_filter_bank reproduces librosa.filters.mel (Slaney scale and norm)
    from transformers.audio_utils import mel_filter_bank

    ref = mel_filter_bank(
        num_frequency_bins=201,
        num_mel_filters=40,
        min_frequency=0,
        max_frequency=8000,
        sampling_rate=SR,
        norm="slaney",
        mel_scale="slaney",
    ).T
    assert np.allclose(mel_filters(), ref, atol=1e-7)


def test_encoder_tells_real_voices_apart(encoder: VoiceEncoder, shared_eval: Path) -> None:
    base = shared_eval / "librispeech-mini"
    same = [
        encoder.embed_utterance(decode_audio(p)) for p in sorted((base / "LibriSpeech").rglob("*.flac"))[:3]
    ]
    other = encoder.embed_utterance(decode_audio(base / "jfk" / "jfk.flac"))
    assert all(abs(np.linalg.norm(e) - 1) < 1e-5 for e in same + [other])
    within = [float(same[i] @ same[j]) for i in range(3) for j in range(i + 1, 3)]
    across = [float(e @ other) for e in same]
    assert min(within) > max(across) + 0.1, (within, across)


def test_two_speaker_call_count_and_turn_boundaries(encoder: VoiceEncoder, two_speaker_call: dict) -> None:
    turns = EmbeddingDiarizer(encoder=encoder)(two_speaker_call["audio"], SR)
    assert len({t[2] for t in turns}) == 2, turns
    truth = two_speaker_call["truth"]
    # who talks most during each true turn, and where the changes fall
    who = [speaker_at(turns, s, e) for _, s, e in truth]
    assert who[0] == who[2] != who[1], (who, turns)
    changes = [t[0] for prev, t in zip(turns, turns[1:], strict=False) if t[2] != prev[2]]
    assert len(changes) == 2, turns
    for found, (_, start, _) in zip(changes, truth[1:], strict=True):
        assert abs(found - start) < 0.6, (changes, truth)


def test_fixed_count_and_determinism(encoder: VoiceEncoder, two_speaker_call: dict) -> None:
    audio = two_speaker_call["audio"]
    auto = EmbeddingDiarizer(encoder=encoder)(audio, SR)
    assert EmbeddingDiarizer(encoder=encoder)(audio, SR) == auto
    one = EmbeddingDiarizer(DiarizeOptions(num_speakers=1), encoder=encoder)(audio, SR)
    assert {t[2] for t in one} == {"Speaker 1"}
    with pytest.raises(ValueError, match="min_speakers"):
        DiarizeOptions(min_speakers=3, max_speakers=2)


def test_words_split_at_speaker_changes() -> None:
    utt = Utterance(
        "Speaker 1",
        "so what broke it was the export",
        0.0,
        3.0,
        words=[[0.0, 0.3, "so"], [0.3, 0.6, "what"], [0.6, 1.0, "broke"], [1.6, 1.8, "it"],
               [1.8, 2.0, "was"], [2.0, 2.1, "the"], [2.2, 3.0, "export"]],
    )  # fmt: skip
    turns = [
        (0.0, 1.1, "Speaker 1"),
        (1.5, 2.05, "Speaker 2"),
        (2.05, 2.1, "Speaker 1"),
        (2.1, 3.1, "Speaker 2"),
    ]
    pieces = split_by_speaker(utt, turns)
    # "the" alone between two Speaker 2 words stays with them: no one-word turn
    assert [(p.speaker, p.text, p.start, p.end) for p in pieces] == [
        ("Speaker 1", "so what broke", 0.0, 1.0),
        ("Speaker 2", "it was the export", 1.6, 3.0),
    ]


def test_statement_times_come_from_words() -> None:
    words = "Our invoices are always late. The billing export fails every month and we fix it by hand."
    timed = [[1.0 + 0.5 * i, 1.4 + 0.5 * i, w] for i, w in enumerate(words.split())]
    transcript = Transcript(
        "call", "call.wav", [Utterance("Customer", words, 0.0, 20.0, "customer", words=timed)]
    )
    statements = segment_transcript(transcript)
    assert statements[0].start == 1.0
    assert statements[-1].end == round(timed[-1][1], 2)


@pytest.fixture(scope="session")
def transcribed_call(two_speaker_call: dict, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """`insightminer transcribe mono_call.wav --out DIR` on the real two-voice call."""
    from insightminer.cli import app

    out = tmp_path_factory.mktemp("transcribed")
    result = CliRunner().invoke(
        app,
        ["transcribe", str(two_speaker_call["path"]), "--out", str(out), "--no-cache", "--device", "cpu"],
    )
    assert result.exit_code == 0, result.output
    return {"out": out, "json": json.loads((out / "mono_call.json").read_text(encoding="utf-8"))}


def test_transcribe_cli_writes_speaker_attributed_outputs(
    transcribed_call: dict, two_speaker_call: dict
) -> None:
    data, out = transcribed_call["json"], transcribed_call["out"]
    utts = data["utterances"]
    assert [u["speaker"] for u in utts] == ["Speaker 1", "Speaker 2", "Speaker 1"], utts
    assert any("offline diarization: 2 speakers" in n for n in data["notes"])
    assert "fellow americans" in utts[1]["text"].lower()
    for u in utts:  # word times, inside the utterance, in order
        assert u["words"] and u["start"] == u["words"][0][0] and u["end"] == u["words"][-1][1]
        assert all(a[0] <= b[0] for a, b in zip(u["words"], u["words"][1:], strict=False))
    truth = two_speaker_call["truth"]
    assert abs(utts[1]["start"] - truth[1][1]) < 0.6 and abs(utts[2]["start"] - truth[2][1]) < 0.6
    vtt = (out / "mono_call.vtt").read_text(encoding="utf-8")
    srt = (out / "mono_call.srt").read_text(encoding="utf-8")
    assert "<v Speaker 1>" in vtt and "<v Speaker 2>" in vtt
    assert "Speaker 2: " in srt
    manifest = json.loads((out / "transcribe.json").read_text(encoding="utf-8"))
    assert manifest["inputs"][0]["speakers"] == ["Speaker 1", "Speaker 2"]


def test_diarized_speakers_flow_into_roles_and_names(transcribed_call: dict) -> None:
    from insightminer.speech.transcribe import _rename_speakers

    transcript = Transcript.from_dict(transcribed_call["json"])
    roles = assign_roles(transcript)
    assert sorted(roles.values()) == ["customer", "interviewer"]
    named = _rename_speakers(transcript.utterances, ("Rep", "Ana"))
    assert [u.speaker for u in named] == ["Rep", "Ana", "Rep"]


def test_single_voice_stays_one_speaker(fixtures_dir: Path) -> None:
    transcriber = Transcriber(TranscribeOptions(device="cpu", use_cache=False))
    transcript = transcriber.transcribe(fixtures_dir / "audio" / "customer_sentence.wav")
    assert {u.speaker for u in transcript.utterances} == {"Speaker 1"}
    assert any("offline diarization: 1 speaker found" in n for n in transcript.notes)
    assert transcriber.stats["diarize_seconds"] > 0


def test_clips_command_exports_decodable_clips_and_reel(two_speaker_call: dict, tmp_path: Path) -> None:
    from insightminer.cli import app

    run = tmp_path / "run"
    run.mkdir()
    evidence = [
        {"statement_id": "mono_call:1:0", "doc_id": "mono_call", "speaker": "Speaker 2",
         "text": "And so, my fellow Americans", "start": 4.0, "end": 6.0},
        {"statement_id": "mono_call:2:0", "doc_id": "mono_call", "speaker": "Speaker 1",
         "text": "A full hour he had paced", "start": 10.3, "end": 12.3},
        {"statement_id": "notes:0:0", "doc_id": "notes", "speaker": "Ana", "text": "typed", "start": None,
         "end": None},
    ]  # fmt: skip
    findings = {"findings": [{"rank": 1, "theme_id": 0, "label": "Paced & waited", "evidence": evidence}]}
    (run / "findings.json").write_text(json.dumps(findings), encoding="utf-8")
    inputs = [{"path": str(two_speaker_call["path"]), "status": "processed", "format": "audio",
               "doc_ids": ["mono_call"]}]  # fmt: skip
    (run / "run.json").write_text(json.dumps({"inputs": inputs}), encoding="utf-8")
    out = tmp_path / "clips"
    result = CliRunner().invoke(app, ["clips", str(run), "--out", str(out)])
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [c["statement_id"] for c in manifest["clips"]] == ["mono_call:1:0", "mono_call:2:0"]
    assert manifest["skipped"] == [{"statement_id": "notes:0:0", "reason": "not from an audio input"}]
    for clip in manifest["clips"]:
        audio = decode_audio(out / clip["file"])  # decodes with PyAV
        assert abs(len(audio) / SR - 2.3) < 0.15, clip
        assert probe_audio(out / clip["file"])["codec"] == "aac"
    # the clip is the right stretch of the call (AAC is lossy: compare loudness envelopes)
    reel = manifest["reels"][0]
    assert reel["clips"] == [c["file"] for c in manifest["clips"]]
    assert abs(len(decode_audio(out / reel["file"])) / SR - (2.3 * 2 + 0.6)) < 0.2
    first = decode_audio(out / manifest["clips"][0]["file"])

    def envelope(x: np.ndarray) -> np.ndarray:
        return np.abs(x[: len(x) // 160 * 160]).reshape(-1, 160).mean(axis=1)

    def match(start_s: float) -> float:  # best envelope correlation within +-0.2 s (AAC adds a delay)
        src = envelope(two_speaker_call["audio"][int(start_s * SR) : int((start_s + 2.3) * SR)])
        clip = envelope(first)
        n = min(len(src), len(clip)) - 20
        return max(np.corrcoef(clip[lag : lag + n], src[:n])[0, 1] for lag in range(20))

    assert match(3.85) > 0.8 and match(3.85) > match(10.15) + 0.2


def test_long_calls_cluster_pooled_windows(
    encoder: VoiceEncoder, two_speaker_call: dict, monkeypatch
) -> None:
    # a long call has too many windows for an n x n affinity: means of consecutive windows are
    # clustered instead (here forced by a low cap), and every window is still labelled
    import insightminer.speech.diarize as diarize

    full = EmbeddingDiarizer(encoder=encoder)(two_speaker_call["audio"], SR)
    monkeypatch.setattr(diarize, "MAX_CLUSTERED_WINDOWS", 12)
    pooled = EmbeddingDiarizer(encoder=encoder)(two_speaker_call["audio"], SR)
    assert len({t[2] for t in pooled}) == 2
    assert [speaker_at(pooled, s, e) for _, s, e in two_speaker_call["truth"]] == [
        speaker_at(full, s, e) for _, s, e in two_speaker_call["truth"]
    ]
