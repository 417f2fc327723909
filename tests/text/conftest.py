"""Shared fixtures for the seqlab.text tests: small real samples from tests/fixtures/."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SHARED_DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"


def read_nsmc(path: Path) -> list[tuple[str, str, int]]:
    """(id, document, label) rows of an NSMC file, read as its author does (no csv unquoting)."""
    rows = []
    lines = path.read_text(encoding="utf-8").splitlines()
    for line in lines[1:]:
        doc_id, document, label = line.split("\t")
        rows.append((doc_id, document, int(label)))
    return rows


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """../shared/data next to the repository; tests that need it skip when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data folder not found at {SHARED_DATA} (fresh clone without ../shared)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def nsmc_rows() -> list[tuple[str, str, int]]:
    return read_nsmc(FIXTURES / "nsmc_ratings_test_first20.txt")


@pytest.fixture(scope="session")
def nsmc_texts(nsmc_rows: list[tuple[str, str, int]]) -> list[str]:
    return [doc for _, doc, _ in nsmc_rows]


@pytest.fixture(scope="session")
def imdb_dir() -> Path:
    return FIXTURES / "imdb" / "train"


@pytest.fixture(scope="session")
def imdb_texts(imdb_dir: Path) -> list[str]:
    files = sorted(imdb_dir.rglob("*.txt"))
    return [f.read_text(encoding="utf-8") for f in files]


@pytest.fixture(scope="session")
def kiwi_tokenizer():  # type: ignore[no-untyped-def]
    """One KiwiTokenizer for the session (loading the model takes seconds); skips without kiwipiepy."""
    pytest.importorskip("kiwipiepy", reason="kiwipiepy is not installed (pip install seqlab[ko])")
    from seqlab.text import KiwiTokenizer

    return KiwiTokenizer()
