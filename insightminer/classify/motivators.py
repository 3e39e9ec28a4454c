"""Emotional motivators per statement: HBR's 10 high-impact motivators (Magids, Zorfas & Leemon 2015).

Three backends behind one class:
- "head": a trained head (default `models/motivators`, or any head by name/path: a user's own
  taxonomy works the same way, its labels come from the head's config);
- "similarity": zero-shot baseline, cosine between the statement and each label's description,
  turned into probabilities with a softmax temperature;
- "nli": a transformers zero-shot-classification model the user names (needs weights on disk or a hub).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from insightminer.classify.csv_annotate import annotate_csv
from insightminer.text.embed import DEFAULT_EMBEDDING_MODEL

NONE_LABEL = "none"

MOTIVATORS: dict[str, str] = {
    "stand_out": "Stand out from the crowd",
    "confidence_in_future": "Have confidence in the future",
    "well_being": "Enjoy a sense of well-being",
    "freedom": "Feel a sense of freedom",
    "thrill": "Feel a sense of thrill",
    "belonging": "Feel a sense of belonging",
    "protect_environment": "Protect the environment",
    "be_the_person_i_want_to_be": "Be the person I want to be",
    "feel_secure": "Feel secure",
    "succeed_in_life": "Succeed in life",
    NONE_LABEL: "None",
}

# Written in the words customers use (not the label's own words): the similarity backend compares
# statements against these, so concrete B2B phrasing matters more than a textbook definition.
MOTIVATOR_DESCRIPTIONS: dict[str, str] = {
    "stand_out": (
        "Wanting to be noticed and seen as different from competitors and peers: our team becomes the "
        "example others copy, our proposal jumps off the page, we win the award, get the case study, "
        "speak at the conference, get recognised by name and are never mistaken for a commodity."
    ),
    "confidence_in_future": (
        "Wanting to believe the future will be good and plannable: a roadmap for the next few years, a "
        "vendor that will still be around, a platform that grows with us, forecasts for next year, "
        "long-term plans, growth ahead, optimism that things keep getting better."
    ),
    "well_being": (
        "Wanting people to feel healthy, rested and calm: less stress and burnout, evenings and weekends "
        "back, no late-night pages, sleep, manageable workloads, physical health, ergonomics, breathing room."
    ),
    "freedom": (
        "Wanting independence and control without restriction: not locked into a contract or vendor, "
        "export our own data, do it ourselves without waiting for IT or approval, work from anywhere, "
        "flexibility to choose, cancel or change any time."
    ),
    "thrill": (
        "Wanting excitement and fun: a demo that wows, the rush of a launch or a close race, trying new "
        "cutting-edge toys first, buzz, adrenaline, competition, surprise, being absorbed and energised."
    ),
    "belonging": (
        "Wanting to be part of a group: community of peers and other customers, a team that feels like "
        "one family, remote staff and new hires included, being connected to colleagues and partners, "
        "sharing with people who are like us."
    ),
    "protect_environment": (
        "Wanting to protect the planet: lower carbon emissions and fuel use, less waste, packaging, paper "
        "and plastic, recycling and reuse, saving water and energy, sustainability and net-zero targets."
    ),
    "be_the_person_i_want_to_be": (
        "Wanting to live up to personal ideals and grow: be a better manager, coach or professional, act "
        "with integrity, honesty and fairness, keep learning new skills, be proud of how I work and "
        "who I am."
    ),
    "feel_secure": (
        "Wanting protection from present risks and threats: no data breaches, outages, errors, audit "
        "findings or surprise costs; backups, access controls, compliance, guarantees, someone to call, "
        "not being exposed or blamed when something goes wrong."
    ),
    "succeed_in_life": (
        "Wanting achievement and reward: hit the target and quota, earn the bonus or promotion, close the "
        "big deal, grow the company, build wealth, reach career milestones and make the business a success."
    ),
    NONE_LABEL: (
        "A neutral factual statement or question about the product, features, setup, numbers, "
        "integrations, pricing terms or logistics, with no emotional motive behind it."
    ),
}

BACKENDS = ("head", "similarity", "nli")
# Softmax temperature for the similarity backend, picked on the labelled set to minimise the
# log-loss of cosine/temperature (see scripts/bench_motivators.py); it only sharpens or flattens
# scores, the ranking of labels is the cosine ranking.
SIMILARITY_TEMPERATURE = 0.055
NLI_HYPOTHESIS = "The speaker wants to {}."


class ModelUnavailableError(RuntimeError):
    """A named model cannot be loaded on this machine (offline, missing files, unknown id)."""


class MotivatorClassifier:
    """Motivator scores for embedded statements.

    Parameters
    ----------
    model: trained head name (a folder in models/) or path, for backend="head".
    backend: "head", "similarity" or "nli".
    nli_model: Hugging Face id or local path of an NLI model, for backend="nli".
    min_score: labels scoring at least this are reported by `predict` (a floor under any threshold).
    min_confidence: the score an assigned motivator needs. None: the head's per-label thresholds
        calibrated on held-back conversational data (head.json metadata "calibration"); a head
        without them reports every label over min_score, as before. Below it the answer is "none".
    descriptions: label -> description for the similarity/nli backends (default: the 10 motivators + none).
    temperature: softmax temperature for the similarity backend.
    embedder: an `Embedder` used to embed the descriptions (similarity backend); made lazily if None.
    """

    def __init__(
        self,
        model: str = "motivators",
        backend: str = "head",
        nli_model: str | None = None,
        min_score: float = 0.25,
        descriptions: dict[str, str] | None = None,
        temperature: float = SIMILARITY_TEMPERATURE,
        embedder=None,
        min_confidence: float | None = None,
    ):
        if backend not in BACKENDS:
            raise ValueError(f"unknown motivator backend {backend!r}; choose one of {list(BACKENDS)}")
        if backend == "nli" and not nli_model:
            raise ValueError("the 'nli' motivator backend needs nli_model (a Hugging Face id or local path)")
        if not 0.0 <= min_score <= 1.0:
            raise ValueError(f"min_score must be between 0 and 1, got {min_score}")
        if min_confidence is not None and not 0.0 <= min_confidence <= 1.0:
            raise ValueError(f"min_confidence must be between 0 and 1, got {min_confidence}")
        if temperature <= 0:
            raise ValueError(f"temperature must be positive, got {temperature}")
        self.model = model
        self.backend = backend
        self.nli_model = nli_model
        self.min_score = min_score
        self.min_confidence = min_confidence
        self.descriptions = dict(descriptions if descriptions is not None else MOTIVATOR_DESCRIPTIONS)
        self.temperature = temperature
        self.embedder = embedder
        self.head_ = None
        self.description_vectors_: np.ndarray | None = None
        self.nli_pipeline_ = None
        if backend == "head":
            self._load_head()
        elif backend == "nli":
            self._load_nli()

    # -- loading -------------------------------------------------------------------------------
    def _load_head(self) -> None:
        from insightminer.classify.heads import EmbeddingClassifier
        from insightminer.model_registry import resolve_head

        self.head_ = EmbeddingClassifier.load(resolve_head(self.model))

    def _load_nli(self) -> None:
        # Imported here: transformers is heavy, and only this backend needs it.
        try:
            from transformers import AutoModelForSequenceClassification, AutoTokenizer, pipeline
        except ImportError as exc:  # pragma: no cover - transformers is a dependency
            raise ModelUnavailableError("the 'nli' backend needs the transformers package") from exc
        try:
            tokenizer = AutoTokenizer.from_pretrained(self.nli_model)
            model = AutoModelForSequenceClassification.from_pretrained(self.nli_model)
        except (OSError, ValueError, KeyError) as exc:
            raise ModelUnavailableError(
                f"Cannot load the NLI model {self.nli_model!r}: it is not a local folder with model files "
                "and is not in the Hugging Face cache (this machine may be offline). Download it on a "
                "machine with hub access, pass its local path, or use --motivator-backend head."
            ) from exc
        label2id = {k.lower(): v for k, v in (model.config.label2id or {}).items()}
        if not any(k.startswith("entail") for k in label2id):
            raise ModelUnavailableError(
                f"{self.nli_model!r} is not an NLI model: its labels {sorted(label2id)} have no 'entailment'"
            )
        self.nli_pipeline_ = pipeline("zero-shot-classification", model=model, tokenizer=tokenizer, device=-1)

    def _description_vectors(self) -> np.ndarray:
        if self.description_vectors_ is None:
            if self.embedder is None:
                from insightminer.text.embed import Embedder

                self.embedder = Embedder(DEFAULT_EMBEDDING_MODEL)
            vectors = self.embedder.encode([self.descriptions[label] for label in self.labels])
            self.description_vectors_ = np.asarray(vectors, dtype=np.float32)
        return self.description_vectors_

    # -- properties ----------------------------------------------------------------------------
    @property
    def labels(self) -> list[str]:
        if self.backend == "head":
            assert self.head_ is not None
            return list(self.head_.labels)
        return list(self.descriptions)

    @property
    def embedding_model(self) -> str:
        """The embedding model the inputs must come from (the nli backend reads texts, not vectors)."""
        if self.backend == "head":
            assert self.head_ is not None
            return self.head_.embedding_model
        if self.embedder is not None:
            return str(self.embedder.model_name)
        return DEFAULT_EMBEDDING_MODEL

    # -- inference -----------------------------------------------------------------------------
    def predict_proba(self, embeddings: np.ndarray | None, texts: list[str] | None = None) -> np.ndarray:
        """(n, len(labels)) scores in [0, 1]; rows sum to 1 except for multi-label heads and nli."""
        if self.backend == "nli":
            if texts is None:
                raise ValueError("the 'nli' backend classifies texts: pass texts=")
            return self._nli_proba(list(texts))
        X = np.asarray(embeddings, dtype=np.float32)
        if X.ndim != 2:
            raise ValueError(f"embeddings must be a 2-D array, got shape {X.shape}")
        if self.backend == "head":
            assert self.head_ is not None
            if self.head_.input_dim_ is not None and len(X) and X.shape[1] != self.head_.input_dim_:
                raise ValueError(
                    f"embeddings have {X.shape[1]} dimensions but the head '{self.model}' expects "
                    f"{self.head_.input_dim_}: embed with {self.head_.embedding_model}"
                )
            return self.head_.predict_proba(X)
        D = self._description_vectors()
        if len(X) == 0:
            return np.zeros((0, len(D)), dtype=np.float32)
        if X.shape[1] != D.shape[1]:
            raise ValueError(f"embeddings have {X.shape[1]} dimensions, descriptions {D.shape[1]}")
        logits = (X @ D.T) / self.temperature
        logits -= logits.max(1, keepdims=True)
        probs = np.exp(logits)
        return (probs / probs.sum(1, keepdims=True)).astype(np.float32)

    def _nli_proba(self, texts: list[str]) -> np.ndarray:
        assert self.nli_pipeline_ is not None
        labels = self.labels
        named = [label for label in labels if label != NONE_LABEL]
        candidates = [self._hypothesis_phrase(label) for label in named]
        out = np.zeros((len(texts), len(labels)), dtype=np.float32)
        if not texts:
            return out
        results = self.nli_pipeline_(
            texts, candidate_labels=candidates, hypothesis_template=NLI_HYPOTHESIS, multi_label=True
        )
        if isinstance(results, dict):
            results = [results]
        col = {label: labels.index(label) for label in labels}
        phrase_to_label = dict(zip(candidates, named, strict=True))
        for i, result in enumerate(results):
            for phrase, score in zip(result["labels"], result["scores"], strict=True):
                out[i, col[phrase_to_label[phrase]]] = score
            if NONE_LABEL in col:
                # No motivator entailed -> "none" is as likely as the best motivator is unlikely.
                out[i, col[NONE_LABEL]] = 1.0 - out[i, [col[n] for n in named]].max(initial=0.0)
        return out

    def _hypothesis_phrase(self, label: str) -> str:
        name = MOTIVATORS.get(label, label.replace("_", " "))
        return name[0].lower() + name[1:]

    @property
    def calibrated_thresholds(self) -> dict[str, float] | None:
        """label -> calibrated threshold from the head's metadata (None for uncalibrated heads)."""
        if self.backend != "head" or self.head_ is None:
            return None
        calibration = self.head_.metadata_.get("calibration") or {}
        return calibration.get("thresholds")

    def _passes(self, probs: np.ndarray) -> np.ndarray:
        """Boolean mask of the scores to report.

        Calibrated heads (or any backend given min_confidence) assign at most one motivator: the top
        label, when it scores at least its threshold. Otherwise: min_score, or a multi-label head's
        tuned thresholds (the behaviour of heads trained before calibration existed).
        """
        calibrated = self.calibrated_thresholds
        if self.min_confidence is not None or calibrated is not None:
            labels = self.labels
            if self.min_confidence is not None:
                thresholds = np.full(len(labels), self.min_confidence, dtype=np.float32)
            else:
                thresholds = np.array([calibrated.get(label, 1.01) for label in labels], dtype=np.float32)
            top = np.zeros_like(probs, dtype=bool)
            if len(probs):
                top[np.arange(len(probs)), probs.argmax(1)] = True
            return top & (probs >= np.maximum(thresholds[None, :], self.min_score))
        if self.backend == "head" and self.head_ is not None and self.head_.multi_label:
            thresholds = self.head_.thresholds_
            if thresholds is not None:
                return probs >= np.maximum(thresholds[None, :], self.min_score)
        return probs >= self.min_score

    def predict(
        self, embeddings: np.ndarray | None, texts: list[str] | None = None
    ) -> list[dict[str, float]]:
        """Per row: {label: score} over min_score, "none" excluded, highest first (ties by label)."""
        return self._rows_from_probs(self.predict_proba(embeddings, texts))

    def predict_records(self, embeddings: np.ndarray | None, texts: list[str] | None = None) -> list[dict]:
        """Per row: {"motivator": the assigned motivator, or "none" when no label passes,
        "motivator_score": the assigned label's score (for "none": the top label's score),
        "motivators": the `predict` labels as "label:score;label:score"}."""
        probs = self.predict_proba(embeddings, texts)
        kept = self._rows_from_probs(probs)
        records = []
        for row, chosen in zip(probs, kept, strict=True):
            if chosen:
                label, score = next(iter(chosen.items()))
            else:
                label, score = NONE_LABEL, round(float(row.max(initial=0.0)), 4)
            records.append(
                {
                    "motivator": label,
                    "motivator_score": score,
                    "motivators": ";".join(f"{k}:{v:.4f}" for k, v in chosen.items()),
                }
            )
        return records

    def _rows_from_probs(self, probs: np.ndarray) -> list[dict[str, float]]:
        mask = self._passes(probs)
        labels = self.labels
        rows = []
        for row, keep in zip(probs, mask, strict=True):
            items = [
                (labels[j], round(float(row[j]), 4)) for j in np.flatnonzero(keep) if labels[j] != NONE_LABEL
            ]
            items.sort(key=lambda kv: (-kv[1], kv[0]))
            rows.append(dict(items))
        return rows


RECORD_COLUMNS = ("motivator", "motivator_score", "motivators")
CALIBRATION_GRID = np.round(np.arange(0.20, 0.991, 0.01), 2)


def calibrate_thresholds(
    probs: np.ndarray,
    truth: list[str],
    labels: list[str],
    *,
    target_precision: float = 0.8,
    min_support: int = 3,
    grid: np.ndarray = CALIBRATION_GRID,
) -> dict[str, float]:
    """Per-label threshold so that a motivator assigned as the top label is right `target_precision`
    of the time on (probs, truth): held-back or out-of-fold scores, never the data a head was fit on.

    Per label: the lowest grid value at which at least `min_support` rows are assigned and their
    precision reaches the target. A label with too little evidence for its own threshold gets the
    pooled one (the lowest value at which all motivators together reach the target); a label whose
    precision never reaches the target gets the pooled one or its best-precision value, whichever is
    higher. "none" gets no threshold: it is the answer when nothing passes.
    """
    probs = np.asarray(probs, dtype=np.float32)
    top = probs.argmax(1)
    top_score = probs[np.arange(len(probs)), top]
    truth_arr = np.asarray(truth)
    named = [j for j, label in enumerate(labels) if label != NONE_LABEL]
    is_named = np.isin(top, named)

    def first_passing(mask: np.ndarray) -> float | None:
        for t in grid:
            chosen = mask & (top_score >= t)
            n = int(chosen.sum())
            if (
                n >= min_support
                and (truth_arr[chosen] == np.asarray(labels)[top[chosen]]).mean() >= target_precision
            ):
                return float(t)
        return None

    pooled = first_passing(is_named)
    pooled = float(grid[-1]) if pooled is None else pooled
    out: dict[str, float] = {}
    for j in named:
        own = first_passing(top == j)
        if own is None:
            support = int(((top == j) & (truth_arr == labels[j])).sum())
            own = (
                pooled
                if support < min_support
                else max(pooled, _best_precision(top == j, top_score, truth_arr, labels[j], grid))
            )
        out[labels[j]] = round(float(own), 2)
    return out


def _best_precision(
    mask: np.ndarray, score: np.ndarray, truth: np.ndarray, label: str, grid: np.ndarray
) -> float:
    best_t, best_p = float(grid[-1]), -1.0
    for t in grid:
        chosen = mask & (score >= t)
        if chosen.sum() >= 1:
            p = float((truth[chosen] == label).mean())
            if p > best_p:
                best_t, best_p = float(t), p
    return best_t


def annotate_csv_motivators(
    input_csv: Path, text_column: str, out_csv: Path, embedder, classifier: MotivatorClassifier
) -> int:
    """Copy input_csv to out_csv with motivator, motivator_score, motivators columns; return rows written.

    Rows keep their order; blank texts get blank motivator fields. The output is written atomically.
    """

    def predict(texts: list[str]) -> list[dict]:
        vectors = embedder.encode(texts) if classifier.backend != "nli" else None
        return classifier.predict_records(vectors, texts)

    return annotate_csv(input_csv, text_column, out_csv, predict, RECORD_COLUMNS)
