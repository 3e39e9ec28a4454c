"""The one Pipeline behind the CLI and the Python API: it wires and times the stages, nothing else.

Data flows one way: ingest (and transcribe) -> segment -> embed -> classify (kind, emotions,
motivators) -> themes -> rank (+ assumptions) -> personas -> run folder. Each stage lives in its own
module, takes its own options section of `Config` whole, and is usable alone; the resume cache
(insightminer.analysis_cache), the manifest (insightminer.output.manifest), the run-folder writer
(insightminer.output.run_outputs) and where the heavy work runs (insightminer.distributed) are their own
modules too.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from insightminer.analysis_cache import Analysis, AnalysisCache, analysis_key, model_fingerprints
from insightminer.config import Config
from insightminer.devices import resolve_device
from insightminer.memory import release_freed_memory
from insightminer.output.run_folder import claim_run_folder, unusable_folder
from insightminer.schema import InputRecord, Statement, Transcript
from insightminer.text.embed import Embedder
from insightminer.text.segment import cap_statements, note_statement_problems


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
        from insightminer.distributed import make_executor

        self.config = config or Config()
        self.console = console
        self.on_input = on_input
        run = self.config.execution
        self.executor = make_executor(run.executor, run.ray_address, run.ray_workers)
        self.timings: dict[str, float] = {}
        self._embedders: dict[str, Embedder] = {}
        self._audio_results: dict[Path, Any] = {}
        self.models_used: dict[str, Any] = {}
        self.warnings: list[str] = []  # run-level problems that did not stop the run (in run.json)
        self.cut_statements: dict[str, int] = {}  # doc_id -> statements cut to MAX_STATEMENT_CHARS

    # -- helpers -----------------------------------------------------------------------------
    def cache_dir(self) -> Path | None:
        """The disk cache, or None when it is disabled or unusable (a file, read-only): a run without a
        cache is slower, never wrong, so an unusable cache is a warning, not a failure."""
        if not hasattr(self, "_cache_checked"):
            self._cache_checked: Path | None = self.config.execution.resolved_cache_dir()
            folder = self._cache_checked
            if folder is not None:
                problem = unusable_folder(folder)
                if problem is not None:
                    self._warn(f"cache folder {folder} not used ({problem}): running without a cache")
                    self._cache_checked = None
        return self._cache_checked

    def _warn(self, message: str) -> None:
        self.warnings.append(message)
        if self.console is not None:
            from rich.markup import escape

            self.console.print(f"[yellow]warning[/yellow] {escape(message)}")

    @contextmanager
    def _stage(self, name: str) -> Iterator[None]:
        if self.console is not None and self.config.execution.progress:
            with self.console.status(f"[bold]{name}[/bold] ..."):
                start = time.perf_counter()
                yield
        else:
            start = time.perf_counter()
            yield
        self.timings[name] = round(self.timings.get(name, 0.0) + time.perf_counter() - start, 4)
        release_freed_memory()  # what this stage freed is not held through the next one

    def embedder(self, model: str | None = None) -> Embedder:
        """One Embedder per model name, sharing the run's disk cache."""
        run = self.config.execution
        name = model or self.config.embed.model
        if name not in self._embedders:
            cache = self.cache_dir()
            device = resolve_device(run.device)
            self._embedders[name] = Embedder(
                name,
                cache_dir=cache / "embeddings" if cache else None,
                batch_size=run.batch_size,
                device=device,
                encoder=self.executor.embedding_encoder(name, device, run.batch_size),
                backend=run.embedding_backend,
            )
        return self._embedders[name]

    def _vectors_for(self, embeddings: np.ndarray) -> Callable[[str | None, list[str]], np.ndarray]:
        """Embeddings from the model a head was trained on (the run's own when it matches)."""

        def vectors(model: str | None, texts: list[str]) -> np.ndarray:
            if not model or model == self.config.embed.model:
                return embeddings
            return self.embedder(model).encode(texts)

        return vectors

    # -- stages ------------------------------------------------------------------------------
    def transcribe_options(self):
        """The transcribe section, with this run's device and transcript cache."""
        cache = self.cache_dir()
        return replace(
            self.config.transcribe,
            device=self.config.execution.device,
            cache_dir=str(cache / "transcripts") if cache else None,
            use_cache=cache is not None,
        )

    def transcribe(self, paths: Sequence[str | Path]) -> None:
        """Transcribe every audio input up front: batched across files locally, or fanned out on Ray."""
        from insightminer.speech.audio import AUDIO_EXTENSIONS, find_audio_files

        audio = [
            p
            for p in find_audio_files([Path(p) for p in paths])
            if p.suffix.lower() in AUDIO_EXTENSIONS and not p.name.startswith(".")
        ]
        if not audio:
            return
        with self._stage("transcribe"):
            results = self.executor.transcribe(audio, self.transcribe_options())
            self._audio_results = {p.resolve(): r for p, r in results.items()}
            self.models_used["asr"] = f"{self.config.transcribe.backend}:{self.config.transcribe.model}"

    def _read_audio(self, path: Path) -> list[Transcript]:
        from insightminer.speech.transcribe import AudioError

        result = self._audio_results.get(path.resolve())
        if result is None:  # not seen up front (e.g. a stage used alone): transcribe it now
            result = self.executor.transcribe([path], self.transcribe_options())[path]
        if isinstance(result, Transcript):
            return [result]
        raise result if isinstance(result, AudioError) else AudioError(str(result))

    def ingest(self, paths: Sequence[str | Path]) -> tuple[list[Transcript], list[InputRecord]]:
        from insightminer.ingest.files import ingest_paths

        self.transcribe(paths)
        with self._stage("ingest"):
            return ingest_paths(
                paths, self.config.ingest, audio_reader=self._read_audio, on_record=self.on_input
            )

    def segment(self, transcripts: list[Transcript]) -> list[Statement]:
        from insightminer.text.roles import parse_team
        from insightminer.text.segment import segment_transcript

        with self._stage("segment"):
            options = self.config.segment
            team = parse_team(options.team) if options.team else None
            statements = [s for t in transcripts for s in segment_transcript(t, options, team=team)]
            self.cut_statements = cap_statements(statements)
            return statements

    def embed(self, statements: list[Statement]) -> np.ndarray:
        with self._stage("embed"):
            return self.embedder().encode(
                [s.text for s in statements], show_progress=self.config.execution.progress
            )

    def classify(self, statements: list[Statement], embeddings: np.ndarray) -> None:
        """Kind, emotions and motivators of every statement (insightminer.classify.stage)."""
        from insightminer.classify.stage import annotate, statement_classifiers

        run = self.config.execution
        builders = statement_classifiers(
            self.config.classify, backend=run.embedding_backend, device=resolve_device(run.device)
        )
        roles = {"detect": "statement_kind", "emotions": "emotions", "motivators": "motivators"}
        for name, build in builders:
            with self._stage(name):
                classifier = build()  # loaded in its own stage, released before the next one loads
                annotate(statements, classifier, self._vectors_for(embeddings))
                self.models_used[roles[name]] = classifier.model_id
                del classifier

    def themes(self, statements: list[Statement], embeddings: np.ndarray):
        """Cluster customers' accounts (passages) across interviews; set Statement.theme_id on evidence."""
        from insightminer.themes.study import find_themes

        with self._stage("themes"):
            return find_themes(statements, embeddings, self.config.themes, encode=self.embedder().encode)

    def rank(self, statements: list[Statement], embeddings: np.ndarray, themes) -> dict:
        from insightminer.insights.rank import build_findings

        with self._stage("rank"):
            return build_findings(
                statements,
                embeddings,
                themes,
                self.config.rank,
                theme_kinds=self.config.themes.kinds,
                config=self.config.findings_relevant(),
            )

    def check_assumptions(self, statements, embeddings, findings: dict) -> None:
        """Each assumed problem against the customer statements and the findings (verdicts, empathy gap)."""
        from insightminer.insights.assumption_model import PairClassifier
        from insightminer.insights.assumptions import check_assumptions, parse_assumptions

        with self._stage("assumptions"):
            expected = parse_assumptions(self.config.rank.assumptions)
            findings["assumptions"] = check_assumptions(
                expected,
                statements,
                embeddings,
                self.embedder().encode([e.text for e in expected]),
                findings["findings"],
                PairClassifier.load(),
                segment_field=self.config.rank.segment_field,
            )

    def personas(self, statements, embeddings, findings) -> dict:
        from insightminer.insights.personas import build_personas

        with self._stage("personas"):
            return build_personas(
                statements,
                embeddings,
                findings,
                segment_field=self.config.rank.segment_field,
                embedder=self.embedder(),
            )

    # -- the whole flow ----------------------------------------------------------------------
    def run(self, paths: Sequence[str | Path], out_dir: str | Path | None = None) -> Result:
        """Run every stage over the inputs; write the run directory when out_dir is given."""
        self.timings = {}
        started = time.perf_counter()
        folder = claim_run_folder(Path(out_dir)) if out_dir is not None else None
        try:
            return self._run(paths, out_dir, folder, started)
        finally:
            if folder is not None:
                folder.release()

    def _run(self, paths, out_dir, folder, started: float) -> Result:
        transcripts, records = self.ingest(paths)
        statements = self.segment(transcripts)
        note_statement_problems(transcripts, records, statements, self.cut_statements)
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
        analysis = self._analysis(transcripts, statements)
        findings = analysis.findings
        if self.config.rank.edits_file:
            from insightminer.insights.edits import apply_edits, read_edits

            with self._stage("edits"):
                findings = apply_edits(findings, analysis.statements, read_edits(self.config.rank.edits_file))
        from insightminer.insights.trends import theme_trends

        trends = theme_trends(analysis.statements, findings, period="auto") if analysis.personas else None
        self.timings["total"] = round(time.perf_counter() - started, 4)
        result = Result(
            findings, analysis.statements, transcripts, records, analysis.personas, trends, dict(self.timings)
        )
        if out_dir is not None:
            self.write(Path(out_dir), result, folder=folder)
        return result

    def _analysis(self, transcripts: list[Transcript], statements: list[Statement]) -> Analysis:
        """The analysis of these transcripts: resumed from the cache when an equal one finished."""
        cache_root = self.cache_dir()
        cache = AnalysisCache(cache_root / "analysis", self.config.rank.segment_field) if cache_root else None
        relevant = self.config.findings_relevant()
        relevant["rank"].pop("edits_file")  # edits apply after the cached analysis: they never redo it
        key = analysis_key(relevant, model_fingerprints(self._model_names()), transcripts)
        if cache is not None:
            with self._stage("resume"):
                memo = cache.load(key)
            if memo is not None:
                self.models_used = dict(memo.models_used)
                return memo
            del self.timings["resume"]
        analysis = self.analyse(statements)
        if cache is not None:
            try:
                cache.store(key, analysis)
            except OSError as exc:  # a full disk costs the resume, not the run
                self.warnings.append(f"analysis cache not written ({exc.strerror or exc})")
        return analysis

    def analyse(self, statements: list[Statement]) -> Analysis:
        """Every stage after segmentation: embed, classify, cluster, rank, personas."""
        embeddings = self.embed(statements)
        self.classify(statements, embeddings)
        themes = self.themes(statements, embeddings)
        findings = self.rank(statements, embeddings, themes)
        if self.config.rank.assumptions:
            self.check_assumptions(statements, embeddings, findings)
        personas = self.personas(statements, embeddings, findings) if self.config.personas.enabled else None
        return Analysis(findings, statements, personas, dict(self.models_used))

    def _model_names(self) -> dict[str, str]:
        """role -> model name of every trained model that decides this run's findings."""
        classify = self.config.classify
        names = {"statement_kind": classify.statement_model}
        if classify.emotions:
            names["emotions"] = classify.emotion_model
        if classify.motivators and classify.motivator_backend == "head":
            names["motivators"] = classify.motivator_model
        if self.config.rank.assumptions:
            names["assumption_check"] = "assumption-check"
        return names

    # -- the run folder ----------------------------------------------------------------------
    def write(self, out_dir: Path, result: Result, folder: Any = None) -> None:
        """Write the run folder whole: into a sibling temp folder, swapped in when complete
        (insightminer/run_folder.py); ``folder`` is the RunFolder run() locked, else one is locked here."""
        from insightminer.output.run_folder import RunFolder
        from insightminer.output.run_outputs import write_run_outputs

        owned = folder is None
        folder = RunFolder(out_dir).acquire() if owned else folder
        try:
            with folder as staging:
                with self._stage("report"):
                    write_run_outputs(
                        staging,
                        result.findings,
                        result.statements,
                        result.personas,
                        run_dir=Path(out_dir),
                        audio_sources={
                            t.doc_id: t.source for t in result.transcripts if t.source_format == "audio"
                        },
                        options=self.config.report,
                        segment_field=self.config.rank.segment_field,
                        trends=result.trends,
                    )
                result.out_dir = Path(out_dir)
                result.timings = dict(self.timings)
                self._write_manifest(staging, result, status="complete")
                folder.publish()
        finally:
            if owned:
                folder.release()

    def _write_manifest(self, out_dir: Path, result: Result, status: str) -> None:
        from insightminer.output.manifest import write_manifest

        write_manifest(
            out_dir,
            status=status,
            config=self.config.to_dict(),
            models={"embedding": self.config.embed.model, **self.models_used},
            inputs=result.inputs,
            documents=len(result.transcripts),
            statements=len(result.statements),
            findings=result.findings,
            timings=self.timings,
            warnings=self.warnings,
        )
