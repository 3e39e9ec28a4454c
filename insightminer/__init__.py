"""insightminer: ranked, evidence-backed customer insight from interviews and sales calls."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["Config", "Pipeline", "Result", "__version__"]

#: Modules of the one-level layout of 0.x -> where they live now. Old imports keep working
#: (``from insightminer.embed import Embedder`` is ``insightminer.text.embed``): each old name is
#: the same module object as the new one, not a copy.
MOVED_MODULES: dict[str, str] = {
    "assumption_model": "insights.assumption_model",
    "assumptions": "insights.assumptions",
    "audio": "speech.audio",
    "clips": "speech.clips",
    "csv_annotate": "classify.csv_annotate",
    "csvio": "ingest.csvio",
    "detect": "classify.detect",
    "diarize": "speech.diarize",
    "edits": "insights.edits",
    "embed": "text.embed",
    "emotions": "classify.emotions",
    "encoders": "text.encoders",
    "heads": "classify.heads",
    "interview_themes": "themes.study",
    "manifest": "output.manifest",
    "metadata": "ingest.metadata",
    "motivators": "classify.motivators",
    "passages": "themes.passages",
    "personas": "insights.personas",
    "rank": "insights.rank",
    "readers": "ingest.readers",
    "report": "output.report",
    "report_html": "output.html.report",
    "roles": "text.roles",
    "run_folder": "output.run_folder",
    "run_outputs": "output.run_outputs",
    "segment": "text.segment",
    "sentences": "text.sentences",
    "signals": "classify.signals",
    "speaker_encoder": "speech.speaker_encoder",
    "subtitles": "speech.subtitles",
    "theme_labels": "themes.labels",
    "training": "classify.training",
    "transcribe": "speech.transcribe",
    "trends": "insights.trends",
    "whisper_models": "speech.whisper_models",
}


def __getattr__(name: str):
    # Lazy so that `import insightminer` (and the CLI's --help) does not pull in torch.
    if name == "Config":
        from insightminer.config import Config

        return Config
    if name in {"Pipeline", "Result"}:
        from insightminer import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'insightminer' has no attribute {name!r}")


class _MovedModuleFinder:
    """Resolves an old module name (and anything under it, e.g. insightminer.readers.common) to the
    module at its new place."""

    @staticmethod
    def _target(fullname: str) -> str | None:
        head, _, rest = fullname.partition(".")
        if head != "insightminer" or not rest:
            return None
        old, _, tail = rest.partition(".")
        new = MOVED_MODULES.get(old)
        if new is None:
            return None
        return f"insightminer.{new}" + (f".{tail}" if tail else "")

    def find_spec(self, fullname: str, path: object = None, target: object = None):  # noqa: ARG002
        import importlib.util

        new = self._target(fullname)
        return importlib.util.spec_from_loader(fullname, self) if new else None

    def create_module(self, spec):
        import importlib

        return importlib.import_module(self._target(spec.name))

    def exec_module(self, module) -> None:  # the module at its new place is already executed
        pass


def _install_moved_module_finder() -> None:
    import sys

    if not any(isinstance(f, _MovedModuleFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _MovedModuleFinder())  # before editable-install finders of other trees


_install_moved_module_finder()
