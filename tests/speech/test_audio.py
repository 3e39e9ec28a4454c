"""Decoding, probing, stereo analysis, subtitle writers and offline model files (no ASR model runs here)."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np
import pytest

from insightminer.schema import Transcript, Utterance
from insightminer.speech.audio import (
    AUDIO_EXTENSIONS,
    AudioError,
    decode_audio,
    iter_audio_blocks,
    probe_audio,
)
from insightminer.speech.diarize import (
    analyze_stereo,
    channel_speaker_names,
    speaker_at,
    split_regions_by_turns,
)
from insightminer.speech.subtitles import to_srt, to_vtt, write_transcript_files

SENTENCE_SECONDS = 6.748  # customer_sentence.wav at 16 kHz


@pytest.fixture(scope="module")
def audio_dir(fixtures_dir: Path) -> Path:
    return fixtures_dir / "audio"


@pytest.mark.parametrize("ext", [".wav", ".mp3", ".m4a", ".ogg"])
def test_decode_formats_to_16k_mono_float32(audio_dir: Path, ext: str) -> None:
    audio = decode_audio(audio_dir / f"customer_sentence{ext}")
    assert audio.dtype == np.float32 and audio.ndim == 1
    assert abs(len(audio) / 16000 - SENTENCE_SECONDS) < 0.1  # codecs may pad a frame
    assert 0.3 < float(np.abs(audio).max()) <= 1.0
    reference = decode_audio(audio_dir / "customer_sentence.wav")
    n = min(len(audio), len(reference))
    # lossy codecs keep the waveform's envelope: energy within 20 %
    assert abs(float((audio[:n] ** 2).sum()) / float((reference[:n] ** 2).sum()) - 1) < 0.2


def test_decode_keeps_channels_and_probe(audio_dir: Path) -> None:
    info = probe_audio(audio_dir / "call_stereo.m4a")
    assert info["channels"] == 2 and info["codec"] == "aac" and 20 < info["duration"] < 21.5
    stereo = decode_audio(audio_dir / "call_stereo.m4a", mono=False)
    assert stereo.shape[0] == 2 and stereo.dtype == np.float32
    mono = decode_audio(audio_dir / "call_stereo.m4a")
    assert mono.shape == (stereo.shape[1],)
    assert np.allclose(mono, stereo.mean(axis=0), atol=1e-3)
    assert {".wav", ".flac", ".mp3", ".m4a", ".ogg", ".opus", ".webm", ".mp4"} <= AUDIO_EXTENSIONS


def test_blocks_stream_the_same_samples(audio_dir: Path) -> None:
    whole = decode_audio(audio_dir / "silence_tail.flac")
    blocks = list(iter_audio_blocks(audio_dir / "silence_tail.flac", block_seconds=2.0))
    assert all(len(b) == 32000 for b in blocks[:-1]) and 0 < len(blocks[-1]) <= 32000
    assert np.array_equal(np.concatenate(blocks), whole)


def test_three_hour_file_probes_without_decoding(audio_dir: Path) -> None:
    path = audio_dir / "silence_3h.flac"
    assert path.stat().st_size < 300_000
    assert probe_audio(path)["duration"] == pytest.approx(3 * 3600, abs=1)


def _wav_header(n_bytes: int, tag: int = 1, rate: int = 8000) -> bytes:
    fmt = struct.pack("<IHHIIHH", 16, tag, 1, rate, rate * 2, 2, 16)
    return (
        b"RIFF" + struct.pack("<I", 36 + n_bytes) + b"WAVEfmt " + fmt + b"data" + struct.pack("<I", n_bytes)
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.wav", b"", "empty file"),
        ("notes.mp3", b"this is not audio at all\n" * 20, "corrupt or not an audio"),
        ("truncated.wav", _wav_header(16000)[:30], "corrupt or not an audio"),
        ("odd_codec.wav", _wav_header(16000, tag=0x9999) + b"\x01" * 16000, "unsupported audio codec"),
    ],
)
def test_bad_audio_raises_clear_audio_error(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    for call in (probe_audio, decode_audio):
        with pytest.raises(AudioError, match=message) as info:
            call(path)
        assert str(path) in str(info.value)
        assert isinstance(info.value, ValueError)


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(AudioError, match="file not found"):
        decode_audio(tmp_path / "nope.wav")
    with pytest.raises(AudioError, match="directory"):
        probe_audio(tmp_path)


def test_stereo_analysis_tells_calls_from_plain_stereo(audio_dir: Path) -> None:
    call = decode_audio(audio_dir / "call_stereo.m4a", mono=False)
    verdict = analyze_stereo(call)
    assert verdict["split"] is True and verdict["dominance"] > 0.8
    voice = decode_audio(audio_dir / "customer_sentence.wav")
    same = np.stack([voice, voice * 0.9])  # one voice on both channels
    assert analyze_stereo(same)["split"] is False
    panned = np.stack([voice, np.zeros_like(voice)])  # one voice, one dead channel: nothing to split
    assert analyze_stereo(panned)["split"] is False


def test_speaker_helpers() -> None:
    assert channel_speaker_names(2) == ["Channel 1", "Channel 2"]
    assert channel_speaker_names(2, ("Rep", "Customer")) == ["Rep", "Customer"]
    with pytest.raises(ValueError, match="names"):
        channel_speaker_names(2, ("Rep",))
    turns = [(0.0, 2.0, "A"), (2.0, 5.0, "B")]
    assert speaker_at(turns, 1.5, 4.0) == "B"
    parts = split_regions_by_turns([(16000, 64000)], turns, 16000)
    assert parts == [(16000, 32000, "A"), (32000, 64000, "B")]


def _transcript() -> Transcript:
    return Transcript(
        doc_id="call-1",
        source="call-1.wav",
        utterances=[
            Utterance("Rep", "Hi, thanks for joining.", 0.0, 1.5),
            Utterance("Customer", "Our   export fails\nevery month.", 3661.25, 3664.0),
        ],
        source_format="audio",
    )


def test_vtt_and_srt_writers() -> None:
    vtt = to_vtt(_transcript())
    assert vtt.startswith("WEBVTT\n\n00:00:00.000 --> 00:00:01.500\n<v Rep>Hi, thanks for joining.\n")
    assert "01:01:01.250 --> 01:01:04.000\n<v Customer>Our export fails every month." in vtt
    srt = to_srt(_transcript())
    assert srt.startswith("1\n00:00:00,000 --> 00:00:01,500\nRep: Hi, thanks for joining.\n\n2\n01:01:01,250")


def test_write_transcript_files(tmp_path: Path) -> None:
    paths = write_transcript_files(_transcript(), tmp_path / "out")
    assert [p.name for p in paths] == ["call-1.json", "call-1.vtt", "call-1.srt"]
    data = json.loads(paths[0].read_text())
    assert Transcript.from_dict(data) == _transcript()
    again = write_transcript_files(_transcript(), tmp_path / "out")
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in paths]
    assert not list((tmp_path / "out").glob(".*tmp"))


def test_whisper_base_is_joined_once(tmp_path: Path) -> None:
    from insightminer.speech.whisper_models import whisper_base_path

    folder = whisper_base_path(tmp_path / "whisper-base")
    size = (folder / "model.bin").stat().st_size
    assert size > 140_000_000
    assert {p.name for p in folder.iterdir()} == {
        "model.bin",
        "config.json",
        "tokenizer.json",
        "vocabulary.txt",
    }
    mtime = (folder / "model.bin").stat().st_mtime_ns
    assert whisper_base_path(tmp_path / "whisper-base") == folder
    assert (folder / "model.bin").stat().st_mtime_ns == mtime  # reused, not rebuilt


def test_read_ct2_model_tiny_en() -> None:
    from insightminer.speech.whisper_models import read_ct2_model, tiny_en_path

    variables = read_ct2_model(tiny_en_path() / "model.bin")
    assert variables["encoder/conv1/weight"].shape == (384, 80, 3)
    assert variables["decoder/embeddings/weight"].shape == (51864, 384)
    assert variables["decoder/projection/weight"] is variables["decoder/embeddings/weight"]
