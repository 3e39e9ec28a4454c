"""Ingest: transcripts in every format teams export (readers/), metadata sidecars, and the one CSV
text-column reader every CSV command uses (csvio)."""

from insightminer.ingest.files import (
    AUDIO_DISABLED_REASON,
    IngestError,
    ingest_paths,
    read_transcripts,
    run_folder_marker,
)

__all__ = ["AUDIO_DISABLED_REASON", "IngestError", "ingest_paths", "read_transcripts", "run_folder_marker"]
