"""The one Pipeline behind the CLI and the Python API.

Data flows one way: ingest (and transcribe) -> segment -> embed -> detect -> emotions/motivators
-> themes -> rank -> personas -> report. Each stage lives in its own module and is usable alone;
this module only wires them, times them, and writes the run directory.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from insightminer import __version__
from insightminer.config import Config
from insightminer.devices import resolve_device
from insightminer.embed import Embedder
from insightminer.interview_themes import ThemeInfo
from insightminer.rank import rank_findings, split_by_type
from insightminer.report import (
    FINDINGS_SCHEMA_VERSION,
    markdown_safe,
    statements_table,
    write_findings,
    write_parquet,
)
from insightminer.run_folder import output_hashes
from insightminer.schema import InputRecord, Statement, Transcript
from insightminer.segment import segment_transcript
from insightminer.storage import atomic_write_json, atomic_write_text, file_sha256


class NoUsableInputError(RuntimeError):
    """Nothing could be processed: every input was skipped (the reasons are in the manifest)."""


@dataclass
class Result:
    """What a run produced, with typed fields for callers of the Python API."""

    findings: dict[str, Any]
    statements: list[Statement]
    transcripts: list[Transcript]
    inputs: list[InputRecord]
    personas: dict[str, Any] | None = None
    trends: dict[str, Any] | None = None
    timings: dict[str, float] = field(default_factory=dict)
    out_dir: Path | None = None

    @property
    def processed(self) -> list[InputRecord]:
        return [r for r in self.inputs if r.status == "processed"]

    @property
    def skipped(self) -> list[InputRecord]:
        return [r for r in self.inputs if r.status == "skipped"]

    @property
    def top_findings(self) -> list[dict[str, Any]]:
        return self.findings["findings"]


class Pipeline:
    """Run the whole flow over files and folders: `Pipeline(Config()).run(paths, out_dir)`."""

    def __init__(
        self,
        config: Config | None = None,
        console: Any = None,
        on_input: Callable[[InputRecord], None] | None = None,
    ):
        self.config = config or Config()
        self.console = console
        self.on_input = on_input
        self.timings: dict[str, float] = {}
        self._embedders: dict[str, Embedder] = {}
        self._transcriber = None
        self._audio_results: dict[Path, Any] = {}
        self._ray = None
        self.models_used: dict[str, Any] = {}
        self.warnings: list[str] = []  # run-level problems that did not stop the run (in run.json)
        self.cut_statements: dict[str, int] = {}  # doc_id -> statements cut to MAX_STATEMENT_CHARS

    # -- helpers -----------------------------------------------------------------------------
    def cache_dir(self) -> Path | None:
        """The disk cache, or None when it is disabled or unusable (a file, read-only): a run without a
        cache is slower, never wrong, so an unusable cache is a warning, not a failure."""
        if not hasattr(self, "_cache_checked"):
            self._cache_checked: Path | None = self.config.resolved_cache_dir()
            folder = self._cache_checked
            if folder is not None:
                problem = _unusable_folder(folder)
                if problem is not None:
                    self.warnings.append(
                        f"cache folder {folder} not used ({problem}): running without a cache"
                    )
                    if self.console is not None:
                        from rich.markup import escape

                        self.console.print(f"[yellow]warning[/yellow] {escape(self.warnings[-1])}")
                    self._cache_checked = None
        return self._cache_checked

    @contextmanager
    def _stage(self, name: str) -> Iterator[None]:
        if self.console is not None and self.config.progress:
            with self.console.status(f"[bold]{name}[/bold] ..."):
                start = time.perf_counter()
                yield
        else:
            start = time.perf_counter()
            yield
        self.timings[name] = round(self.timings.get(name, 0.0) + time.perf_counter() - start, 4)

    def embedder(self, model: str | None = None) -> Embedder:
        """One Embedder per model name, sharing the run's disk cache."""
        name = model or self.config.embedding_model
        if name not in self._embedders:
            cache = self.cache_dir()
            device = resolve_device(self.config.device)
            encoder = (
                self.ray().embedding_encoder(name, device, self.config.batch_size)
                if self.config.executor == "ray"
                else None
            )
            self._embedders[name] = Embedder(
                name,
                cache_dir=cache / "embeddings" if cache else None,
                batch_size=self.config.batch_size,
                device=device,
                encoder=encoder,
                backend=self.config.embedding_backend,
            )
        return self._embedders[name]

    def ray(self):
        if self._ray is None:
            from insightminer.distributed import RayExecutor

            self._ray = RayExecutor(self.config.ray_address, num_workers=self.config.ray_workers)
        return self._ray

    def _embed_for(self, model: str, texts: list[str], default: np.ndarray) -> np.ndarray:
        """Embeddings from the model a head was trained on (reuses the main ones when it matches)."""
        if model == self.config.embedding_model:
            return default
        return self.embedder(model).encode(texts)

    # -- stages ------------------------------------------------------------------------------
    def transcribe_options(self):
        from insightminer.transcribe import TranscribeOptions

        cache = self.cache_dir()
        return TranscribeOptions(
            model=self.config.asr_model,
            backend=self.config.asr_backend,
            device=self.config.device,
            compute_type=self.config.compute_type,
            cache_dir=str(cache / "transcripts") if cache else None,
            use_cache=cache is not None,
            diarize=self.config.diarize,
            num_speakers=self.config.num_speakers,
            min_speakers=self.config.min_speakers,
            max_speakers=self.config.max_speakers,
            speaker_names=tuple(self.config.speaker_names) or None,
        )

    def transcriber(self):
        if self._transcriber is None:
            from insightminer.transcribe import Transcriber

            self._transcriber = Transcriber(self.transcribe_options())
        return self._transcriber

    def transcribe(self, paths: Sequence[str | Path]) -> None:
        """Transcribe every audio input up front: batched across files locally, or fanned out on Ray."""
        from insightminer.ingest import AUDIO_EXTENSIONS
        from insightminer.transcribe import find_audio_files

        audio = [
            p
            for p in find_audio_files([Path(p) for p in paths])
            if p.suffix.lower() in AUDIO_EXTENSIONS and not p.name.startswith(".")
        ]
        if not audio:
            return
        with self._stage("transcribe"):
            if self.config.executor == "ray":
                results = self.ray().transcribe(audio, self.transcribe_options())
            else:
                results = dict(self.transcriber().transcribe_many(audio))
            self._audio_results = {p.resolve(): r for p, r in results.items()}
            self.models_used["asr"] = f"{self.config.asr_backend}:{self.config.asr_model}"

    def _read_audio(self, path: Path) -> list[Transcript]:
        from insightminer.transcribe import AudioError

        result = self._audio_results.get(path.resolve())
        if result is None:  # not seen up front (e.g. a stage used alone): transcribe it now
            result = self.transcriber().transcribe(path)
        if isinstance(result, Transcript):
            return [result]
        raise result if isinstance(result, AudioError) else AudioError(str(result))

    def ingest(self, paths: Sequence[str | Path]) -> tuple[list[Transcript], list[InputRecord]]:
        from insightminer.ingest import ingest_paths
        from insightminer.readers.common import FieldMap

        fmap = FieldMap.from_options(self.config.fields, self.config.records)
        self.transcribe(paths)
        with self._stage("ingest"):
            return ingest_paths(
                paths,
                metadata_file=Path(self.config.metadata_file) if self.config.metadata_file else None,
                max_file_bytes=int(self.config.max_file_mb * 1_000_000),
                unlabelled_speaker=self.config.unlabelled_speaker,
                audio_reader=self._read_audio,
                on_record=self.on_input,
                fmap=fmap or None,
            )

    def segment(self, transcripts: list[Transcript]) -> list[Statement]:
        with self._stage("segment"):
            statements: list[Statement] = []
            for transcript in transcripts:
                statements.extend(
                    segment_transcript(
                        transcript,
                        self.config.customer_speakers,
                        self.config.interviewer_speakers,
                        team=self.config.team,
                    )
                )
            self.cut_statements = cap_statements(statements)
            return statements

    def embed(self, statements: list[Statement]) -> np.ndarray:
        with self._stage("embed"):
            return self.embedder().encode([s.text for s in statements], show_progress=self.config.progress)

    def detect(self, statements: list[Statement], embeddings: np.ndarray) -> None:
        from insightminer.detect import StatementKindDetector

        with self._stage("detect"):
            detector = StatementKindDetector(
                self.config.statement_model,
                backend=self.config.embedding_backend,
                device=resolve_device(self.config.device),
            )
            texts = [s.text for s in statements]
            vectors = self._embed_for(detector.embedding_model, texts, embeddings)
            for statement, (kind, score) in zip(statements, detector.predict(vectors, texts)):
                statement.kind = kind
                statement.kind_score = round(float(score), 4)
            self.models_used["statement_kind"] = self.config.statement_model

    def emotions(self, statements: list[Statement], embeddings: np.ndarray) -> None:
        from insightminer.emotions import EmotionClassifier

        with self._stage("emotions"):
            classifier = EmotionClassifier(
                self.config.emotion_model,
                min_confidence=self.config.min_confidence,
                backend=self.config.embedding_backend,
                device=resolve_device(self.config.device),
            )
            texts = [s.text for s in statements]
            vectors = self._embed_for(classifier.embedding_model, texts, embeddings)
            for statement, scores in zip(statements, classifier.predict(vectors, texts)):
                statement.emotions = {k: round(float(v), 4) for k, v in scores.items()}
            self.models_used["emotions"] = self.config.emotion_model

    def motivators(self, statements: list[Statement], embeddings: np.ndarray) -> None:
        from insightminer.motivators import MotivatorClassifier

        with self._stage("motivators"):
            classifier = MotivatorClassifier(
                self.config.motivator_model,
                backend=self.config.motivator_backend,
                min_confidence=self.config.min_confidence,
                nli_model=self.config.nli_model,
            )
            texts = [s.text for s in statements]
            vectors = self._embed_for(classifier.embedding_model, texts, embeddings)
            for statement, scores in zip(statements, classifier.predict(vectors, texts)):
                statement.motivators = {k: round(float(v), 4) for k, v in scores.items()}
            self.models_used["motivators"] = f"{self.config.motivator_backend}:{self.config.motivator_model}"

    def themes(self, statements: list[Statement], embeddings: np.ndarray) -> tuple[list[ThemeInfo], Any]:
        """Cluster customers' accounts (passages) across interviews; set Statement.theme_id on evidence."""
        from insightminer.interview_themes import build_interview_themes
        from insightminer.themes import ThemeModel

        with self._stage("themes"):
            seed_embeddings = (
                self.embedder().encode(self.config.seed_topics) if self.config.seed_topics else None
            )
            model = ThemeModel(
                min_theme_size=self.config.min_theme_size,
                random_state=self.config.random_state,
                seed_topics=self.config.seed_topics or None,
            )
            themes, fitted = build_interview_themes(
                statements,
                embeddings,
                model,
                theme_kinds=self.config.theme_kinds,
                seed_embeddings=seed_embeddings,
                encode=self.embedder().encode,
                lexical_weight=self.config.theme_lexical_weight,
            )
            return themes, fitted

    def rank(self, statements: list[Statement], embeddings: np.ndarray, themes: list[ThemeInfo]) -> dict:
        with self._stage("rank"):
            ranked = rank_findings(
                statements,
                embeddings,
                themes,
                segment_field=self.config.segment_field,
                min_documents=self.config.min_theme_documents,
                evidence_per_finding=self.config.evidence_per_finding,
            )
            segments = sorted(
                {
                    s.metadata[self.config.segment_field]
                    for s in statements
                    if s.metadata.get(self.config.segment_field)
                }
            )
            kinds: dict[str, int] = {}
            for s in statements:
                kinds[s.kind] = kinds.get(s.kind, 0) + 1
            lists = split_by_type(ranked)
            return {
                "schema_version": FINDINGS_SCHEMA_VERSION,
                "generator": {"name": "insightminer", "version": __version__},
                "config": self.config.findings_relevant(),
                "summary": {
                    "documents": len({s.doc_id for s in statements}),
                    "customer_statements": len(statements),
                    "pain_point_statements": kinds.get("pain_point", 0),
                    "statement_kinds": dict(sorted(kinds.items())),
                    "themes": len(themes),
                    "findings_by_type": {name: len(items) for name, items in lists.items()},
                    "unthemed_statements": sum(
                        1 for s in statements if s.kind in self.config.theme_kinds and s.theme_id < 0
                    ),
                    "min_theme_documents": self.config.min_theme_documents,
                    "segments": segments,
                    "segment_field": self.config.segment_field,
                },
                **lists,
            }

    def check_assumptions(self, statements, embeddings, findings: dict) -> None:
        """Each assumed problem against the customer statements and the findings (verdicts, empathy gap)."""
        from insightminer.assumption_model import PairClassifier
        from insightminer.assumptions import check_assumptions, parse_assumptions

        with self._stage("assumptions"):
            expected = parse_assumptions(self.config.assumptions)
            findings["assumptions"] = check_assumptions(
                expected,
                statements,
                embeddings,
                self.embedder().encode([e.text for e in expected]),
                findings["findings"],
                PairClassifier.load(),
                segment_field=self.config.segment_field,
            )

    # -- the whole flow ----------------------------------------------------------------------
    def run(self, paths: Sequence[str | Path], out_dir: str | Path | None = None) -> Result:
        """Run every stage over the inputs; write the run directory when out_dir is given."""
        self.timings = {}
        started = time.perf_counter()
        folder = self._claim_run_folder(Path(out_dir)) if out_dir is not None else None
        try:
            return self._run(paths, out_dir, folder, started)
        finally:
            if folder is not None:
                folder.release()

    def _claim_run_folder(self, out_dir: Path):
        """Check --out and lock it before any work: a file, a folder of other files or a busy run
        folder fails now, not after the analysis."""
        from insightminer.ingest import run_folder_marker
        from insightminer.run_folder import RunFolder

        problem = _unusable_folder(out_dir)
        if problem is not None:
            raise NotADirectoryError(f"cannot write the run folder {out_dir}: {problem}")
        if out_dir.is_dir() and run_folder_marker(out_dir) is None:
            others = sorted(p.name for p in out_dir.iterdir() if not p.name.startswith("."))
            if others:
                shown = ", ".join(others[:5]) + (" ..." if len(others) > 5 else "")
                raise FileExistsError(
                    f"--out {out_dir} holds files that are not an insightminer run's ({shown}); a run folder "
                    "is replaced whole, so choose a new or empty folder"
                )
        return RunFolder(out_dir).acquire()

    def _run(self, paths, out_dir, folder, started: float) -> Result:
        transcripts, records = self.ingest(paths)
        statements = self.segment(transcripts)
        record_by_doc = {doc: r for r in records for doc in r.doc_ids}
        for doc_id, count in sorted(self.cut_statements.items()):
            if doc_id in record_by_doc:
                record_by_doc[doc_id].notes.append(
                    f"{doc_id}: {count} statement(s) longer than {MAX_STATEMENT_CHARS} characters cut to "
                    f"that length (text without sentence punctuation?)"
                )
        docs_with_statements = {s.doc_id for s in statements}
        for transcript in transcripts:
            if transcript.doc_id not in docs_with_statements:
                record = record_by_doc.get(transcript.doc_id)
                if record is not None:
                    record.notes.append(f"{transcript.doc_id}: no customer statements found")
        if not statements:
            result = Result({}, [], transcripts, records, timings=self.timings)
            if folder is not None:
                with folder as staging:
                    self._write_manifest(staging, result, status="failed")
                    folder.publish()
            raise NoUsableInputError(
                "no customer statements to analyse: "
                + ("every input was skipped" if not transcripts else "no customer speech found")
            )
        key = self._analysis_key(transcripts)
        memo = self._load_analysis(key)
        if memo is not None:
            findings, statements, personas, trends, positions = memo
        else:
            findings, personas, trends, positions = self.analyse(statements)
            try:
                self._store_analysis(key, findings, statements, personas, trends, positions)
            except OSError as exc:  # a full disk costs the resume, not the run
                self.warnings.append(f"analysis cache not written ({exc.strerror or exc})")
        if self.config.edits_file:
            from insightminer.edits import apply_edits, read_edits

            with self._stage("edits"):
                findings = apply_edits(findings, statements, read_edits(self.config.edits_file))
        self.timings["total"] = round(time.perf_counter() - started, 4)
        result = Result(findings, statements, transcripts, records, personas, trends, dict(self.timings))
        if out_dir is not None:
            self.write(Path(out_dir), result, positions, folder=folder)
        return result

    def analyse(self, statements: list[Statement]) -> tuple[dict, dict | None, dict | None, dict | None]:
        """Every stage after segmentation: embed, classify, cluster, rank, personas."""
        embeddings = self.embed(statements)
        self.detect(statements, embeddings)
        if self.config.emotions:
            self.emotions(statements, embeddings)
        if self.config.motivators:
            self.motivators(statements, embeddings)
        themes, theme_model = self.themes(statements, embeddings)
        findings = self.rank(statements, embeddings, themes)
        if self.config.assumptions:
            self.check_assumptions(statements, embeddings, findings)
        personas = trends = None
        if self.config.personas:
            personas, trends = self.personas(statements, embeddings, findings)
        return findings, personas, trends, _theme_positions(theme_model)

    # -- resume: a finished analysis of the same transcripts, config and models is reused ------
    def _model_fingerprints(self) -> dict[str, str]:
        from insightminer.model_registry import resolve_head

        names = {"statement_kind": self.config.statement_model}
        if self.config.emotions:
            names["emotions"] = self.config.emotion_model
        if self.config.motivators and self.config.motivator_backend == "head":
            names["motivators"] = self.config.motivator_model
        if self.config.assumptions:
            names["assumption_check"] = "assumption-check"
        out = {}
        for role, name in sorted(names.items()):
            try:
                folder = resolve_head(name)
            except FileNotFoundError:
                out[role] = name
                continue
            digest = hashlib.sha256()
            for path in sorted(p for p in folder.rglob("*") if p.is_file()):
                digest.update(path.relative_to(folder).as_posix().encode())
                digest.update(path.read_bytes())
            out[role] = digest.hexdigest()
        return out

    def _analysis_key(self, transcripts: list[Transcript]) -> str:
        payload = {
            "version": __version__,
            "code": _code_fingerprint(),
            # Edits are applied after the cached analysis: changing them must not redo it.
            "config": {k: v for k, v in self.config.findings_relevant().items() if k != "edits_file"},
            "models": self._model_fingerprints(),
            "transcripts": [t.to_dict() for t in transcripts],
        }
        # Paths are where a file was read, not what it says: they do not change the analysis.
        for t in payload["transcripts"]:
            t.pop("source", None)
        return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()

    def _analysis_dir(self, key: str) -> Path | None:
        cache = self.cache_dir()
        return cache / "analysis" / key[:40] if cache else None

    def _load_analysis(self, key: str):
        folder = self._analysis_dir(key)
        if folder is None or not (folder / "complete").is_file():
            return None
        import pyarrow.parquet as pq

        from insightminer.report import statements_from_table

        with self._stage("resume"):
            try:
                data = json.loads((folder / "analysis.json").read_text(encoding="utf-8"))
                statements = statements_from_table(pq.read_table(folder / "statements.parquet"))
                findings = data["findings"]
                if not isinstance(findings, dict) or not isinstance(findings.get("findings"), list):
                    raise ValueError("findings of the wrong shape")
                positions = {int(k): tuple(v) for k, v in (data["theme_positions"] or {}).items()}
                models_used = dict(data.get("models_used") or {})
                personas, trends = data["personas"], data["trends"]
            except Exception:  # noqa: BLE001 - a damaged cache entry of any shape is recomputed, never trusted
                return None
            self.models_used = models_used
            return findings, statements, personas, trends, positions or None

    def _store_analysis(self, key, findings, statements, personas, trends, positions) -> None:
        folder = self._analysis_dir(key)
        if folder is None:
            return
        write_parquet(folder / "statements.parquet", statements_table(statements, self.config.segment_field))
        atomic_write_json(
            folder / "analysis.json",
            {
                "findings": findings,
                "personas": personas,
                "trends": trends,
                "theme_positions": {str(k): list(v) for k, v in (positions or {}).items()},
                "models_used": self.models_used,
            },
        )
        atomic_write_text(folder / "complete", key + "\n")  # written last: marks the entry usable

    def personas(self, statements, embeddings, findings) -> tuple[dict | None, dict | None]:
        from insightminer.personas import build_personas
        from insightminer.trends import theme_trends

        with self._stage("personas"):
            personas = build_personas(
                statements,
                embeddings,
                findings,
                segment_field=self.config.segment_field,
                embedder=self.embedder(),
            )
            trends = theme_trends(statements, findings, period="auto")
            return personas, trends

    def write(
        self, out_dir: Path, result: Result, theme_positions: dict | None = None, folder: Any = None
    ) -> None:
        """Write the run folder whole: into a sibling temp folder, swapped in when complete
        (insightminer/run_folder.py); ``folder`` is the RunFolder run() locked, else one is locked here."""
        from insightminer.run_folder import RunFolder

        owned = folder is None
        folder = RunFolder(out_dir).acquire() if owned else folder
        try:
            with folder as staging:
                self._write_outputs(staging, result, theme_positions)
                result.out_dir = Path(out_dir)
                result.timings = dict(self.timings)
                self._write_manifest(staging, result, status="complete")
                folder.publish()
        finally:
            if owned:
                folder.release()

    def _write_outputs(self, out_dir: Path, result: Result, theme_positions: dict | None) -> None:
        with self._stage("report"):
            write_findings(out_dir, result.findings)
            write_parquet(
                out_dir / "segments.parquet", statements_table(result.statements, self.config.segment_field)
            )
            if result.personas is not None:
                from insightminer.personas import personas_markdown

                atomic_write_json(out_dir / "personas.json", result.personas)
                atomic_write_text(out_dir / "personas.md", markdown_safe(personas_markdown(result.personas)))
            from insightminer.report_html import render_report_html

            sources = {t.doc_id: t.source for t in result.transcripts if t.source_format == "audio"}
            clips = None
            if sources and self.config.embed_clips:
                from insightminer.clips import embedded_clips

                clips = embedded_clips([result.findings, result.personas or {}], sources)
            from insightminer.clips import relative_audio_urls

            html = render_report_html(
                result.findings,
                result.personas or {},
                result.trends,
                result.statements,
                theme_positions=theme_positions,
                audio_sources=None if clips is not None else relative_audio_urls(sources, out_dir),
                audio_clips=clips,
            )
            atomic_write_text(out_dir / "report.html", html)

    def _write_manifest(self, out_dir: Path, result: Result, status: str) -> None:
        import importlib.metadata as md

        out_dir.mkdir(parents=True, exist_ok=True)

        def version(pkg: str) -> str | None:
            try:
                return md.version(pkg)
            except md.PackageNotFoundError:
                return None

        manifest = {
            "insightminer_version": __version__,
            "status": status,
            "config": self.config.to_dict(),
            "models": {
                "embedding": self.config.embedding_model,
                **self.models_used,
            },
            "environment": {
                "python": platform.python_version(),
                "platform": platform.platform(),
                **{
                    pkg: version(pkg)
                    for pkg in (
                        "torch",
                        "sentence-transformers",
                        "faster-whisper",
                        "transformers",
                        "scikit-learn",
                    )
                },
            },
            "inputs": [
                {
                    "path": r.path,
                    "status": r.status,
                    "reason": r.reason,
                    "doc_ids": r.doc_ids,
                    "format": r.source_format,
                    "encoding": r.encoding,
                    "notes": r.notes,
                }
                for r in result.inputs
            ],
            "counts": {
                "inputs": len(result.inputs),
                "processed": len(result.processed),
                "skipped": len(result.skipped),
                "documents": len(result.transcripts),
                "customer_statements": len(result.statements),
                "findings": len(result.findings.get("findings", [])),
            },
            "findings_sha256": file_sha256(out_dir / "findings.json")
            if (out_dir / "findings.json").is_file()
            else None,
            "timings_s": dict(self.timings),
            "warnings": list(self.warnings),
            "outputs": sorted(
                p.name for p in out_dir.iterdir() if p.is_file() and not p.name.startswith(".")
            ),
            # Every output's hash: a folder that does not match its run.json is not this run's.
            "outputs_sha256": output_hashes(out_dir),
        }
        atomic_write_json(out_dir / "run.json", manifest)


#: A statement is a sentence or two; anything longer is text without sentence punctuation (a raw ASR
#: dump, a pasted log) and would be quoted whole in every output, so it is cut here and the cut reported.
MAX_STATEMENT_CHARS = 1500


def cap_statements(statements: list[Statement], limit: int = MAX_STATEMENT_CHARS) -> dict[str, int]:
    """Cut statements over ``limit`` characters at a word boundary (with '…'); cuts per doc_id."""
    cut: dict[str, int] = {}
    for statement in statements:
        if len(statement.text) > limit:
            head = statement.text[:limit]
            space = head.rfind(" ")
            statement.text = (head[:space] if space > limit // 2 else head).rstrip() + "\u2026"
            cut[statement.doc_id] = cut.get(statement.doc_id, 0) + 1
    return cut


def _unusable_folder(folder: Path) -> str | None:
    """Why ``folder`` cannot be created or written, or None when it can."""
    probe = Path(folder)
    while not probe.exists():
        if probe.parent == probe:
            return None
        probe = probe.parent
    if not probe.is_dir():
        return f"{probe} is a file, not a folder"
    if not os.access(probe, os.W_OK | os.X_OK):
        return f"{probe} is not writable"
    return None


def _code_fingerprint() -> str:
    """Hash of the package's own source: an edited stage never reuses a stale analysis."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _theme_positions(theme_model: Any) -> dict[int, tuple[float, float]] | None:
    """2-D positions of theme centroids (PCA) for the report's theme map."""
    centroids = getattr(theme_model, "centroids_", None)
    if centroids is None or len(centroids) < 2:
        return None
    centred = centroids - centroids.mean(0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    xy = centred @ vt[:2].T
    # Fix the sign of each axis so the picture does not flip between runs.
    for k in range(xy.shape[1]):
        if xy[np.argmax(np.abs(xy[:, k])), k] < 0:
            xy[:, k] = -xy[:, k]
    return {i: (round(float(x), 4), round(float(y), 4)) for i, (x, y) in enumerate(xy)}
