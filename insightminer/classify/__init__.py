"""Classify: every statement's kind, emotions and motivators (one loop, insightminer.classify.stage),
the trained heads behind them, and training a user's own taxonomy."""

from insightminer.classify.stage import StatementClassifier, annotate, statement_classifiers

__all__ = ["StatementClassifier", "annotate", "statement_classifiers"]
