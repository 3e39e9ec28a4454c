"""Speech: audio decoding, transcription (faster-whisper / transformers), VAD, offline diarization,
the voice encoder, subtitle writers and audio clips of quotes."""
