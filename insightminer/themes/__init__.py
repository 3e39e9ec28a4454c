"""Themes: customers' accounts (passages) clustered across interviews with a deterministic kNN-graph
+ Leiden model (clustering.ThemeModel), typed per study (study), and named in customers' words (labels)."""

from insightminer.themes.clustering import Theme, ThemeModel, knn_cosine, normalize_rows
from insightminer.themes.csv_themes import cluster_csv

__all__ = ["Theme", "ThemeModel", "cluster_csv", "knn_cosine", "normalize_rows"]
