"""Format readers for the ingest stage: one module per format family, all giving ParsedDoc objects."""

from insightminer.ingest.readers.common import IngestError, ParsedDoc
from insightminer.ingest.readers.docx import parse_docx
from insightminer.ingest.readers.encoding import DecodedText, decode_bytes
from insightminer.ingest.readers.json_formats import parse_json
from insightminer.ingest.readers.subtitles import parse_srt, parse_vtt
from insightminer.ingest.readers.table import parse_csv
from insightminer.ingest.readers.text import parse_text

__all__ = [
    "DecodedText",
    "IngestError",
    "ParsedDoc",
    "decode_bytes",
    "parse_csv",
    "parse_docx",
    "parse_json",
    "parse_srt",
    "parse_text",
    "parse_vtt",
]
