"""The package layout: stage subpackages, and the 0.x module names still import (the same modules)."""

from __future__ import annotations

import importlib

import pytest

import insightminer


def test_public_imports_of_the_old_layout_keep_working():
    from insightminer.embed import Embedder
    from insightminer.readers.common import FieldMap

    from insightminer import Config, Pipeline
    from insightminer.ingest import ingest_paths
    from insightminer.text.embed import Embedder as MovedEmbedder
    from insightminer.themes import ThemeModel
    from insightminer.themes.clustering import ThemeModel as MovedThemeModel

    assert Embedder is MovedEmbedder and ThemeModel is MovedThemeModel
    assert FieldMap is importlib.import_module("insightminer.ingest.readers.common").FieldMap
    assert callable(ingest_paths) and Config().embed.model and Pipeline


@pytest.mark.parametrize("old", sorted(insightminer.MOVED_MODULES))
def test_every_moved_module_is_the_same_object_under_its_old_name(old):
    moved = importlib.import_module(f"insightminer.{insightminer.MOVED_MODULES[old]}")
    assert importlib.import_module(f"insightminer.{old}") is moved


def test_an_unknown_module_is_still_an_import_error():
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("insightminer.no_such_stage")
