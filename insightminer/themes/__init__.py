"""Themes: customers' accounts (passages) clustered across interviews with a deterministic kNN-graph
+ Leiden model (clustering.ThemeModel), typed per study (study), and named in customers' words (labels)."""

from insightminer.themes.clustering import Theme, ThemeModel, cluster_csv, knn_cosine, normalize_rows

__all__ = ["Theme", "ThemeModel", "cluster_csv", "knn_cosine", "normalize_rows"]
