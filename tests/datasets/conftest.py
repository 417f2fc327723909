"""Shared fixtures for the seqlab.datasets tests.

``fixture_data`` points the loaders at ``tests/fixtures/data`` (small real
samples under the same relative paths as ``shared/data``); ``shared_data`` at
the real files, skipping when they are absent; ``offline`` leaves no data
folder and no network. Every test gets its own cache folder.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest

from seqlab.datasets import download

FIXTURE_DATA = Path(__file__).resolve().parents[1] / "fixtures" / "data"
SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


@pytest.fixture(autouse=True)
def own_cache(monkeypatch, tmp_path) -> Path:
    """A fresh, empty cache folder; SEQLAB_DATA unset."""
    monkeypatch.delenv("SEQLAB_DATA", raising=False)
    monkeypatch.setenv("SEQLAB_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture
def fixture_data(monkeypatch) -> Path:
    monkeypatch.setenv("SEQLAB_DATA", str(FIXTURE_DATA))
    return FIXTURE_DATA


@pytest.fixture
def shared_data(monkeypatch) -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data folder not found at {SHARED_DATA} (a clone without ../shared)")
    monkeypatch.setenv("SEQLAB_DATA", str(SHARED_DATA))
    return SHARED_DATA


@pytest.fixture
def offline(monkeypatch, tmp_path) -> Path:
    """No data folder holds anything, and every download fails as without a network."""
    empty = tmp_path / "no-data"
    monkeypatch.setattr(download, "search_dirs", lambda: [empty, download.cache_dir()])

    def no_network(url, *args, **kwargs):
        raise urllib.error.URLError("network is unreachable")

    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    return empty
