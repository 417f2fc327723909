"""Data for the book's listings (tests/keras/test_book_listings.py): the real
loaders read the small samples in tests/fixtures/data, and the files that the
listings open by path are made in a temporary folder (see that module's
docstring for what each stands in for)."""

import gzip
import tarfile
from pathlib import Path

import numpy as np
import pytest

FIXTURE_DATA = Path(__file__).resolve().parents[1] / "fixtures" / "data"

#: Rows of the Jena-format file the weather listings read (the real one has 420,551).
JENA_ROWS = 5400


@pytest.fixture
def book_env(tmp_path, monkeypatch):
    """seqlab.datasets reads the fixtures; files the listings write land in tmp_path."""
    monkeypatch.setenv("SEQLAB_DATA", str(FIXTURE_DATA))
    monkeypatch.setenv("SEQLAB_CACHE", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    np.random.seed(0)  # the listings shuffle with NumPy's global generator
    return tmp_path


@pytest.fixture
def jena_folder(tmp_path):
    """A folder with ``jena_climate_2009_2016.csv``: the header and the 36 rows of
    the fixture, repeated (dates running on every 10 minutes) to JENA_ROWS rows,
    written without a final newline, as the real file is."""
    header, *rows = (FIXTURE_DATA / "weather" / "jena_climate_2009_2016.csv").read_text(
        encoding="utf-8").splitlines()
    values = [row.split(",", 1)[1] for row in rows]
    start = np.datetime64("2009-01-01T00:10")
    lines = [header]
    for i in range(JENA_ROWS):
        t = (start + np.timedelta64(10 * i, "m")).astype(object)
        lines.append(f"{t:%d.%m.%Y %H:%M:%S},{values[i % len(values)]}")
    folder = tmp_path / "jena_climate"
    folder.mkdir()
    (folder / "jena_climate_2009_2016.csv").write_text("\n".join(lines), encoding="utf-8")
    return str(folder)


@pytest.fixture
def aclimdb_folder(tmp_path):
    """The fixture's aclImdb archive (4 reviews per folder) unpacked, as the book's reader has it."""
    with tarfile.open(FIXTURE_DATA / "imdb" / "aclImdb_v1_labeled.tar.gz") as archive:
        archive.extractall(tmp_path / "downloads", filter="data")
    return str(tmp_path / "downloads" / "aclImdb")


@pytest.fixture
def glove_folder(tmp_path):
    """A folder with ``glove.6B.100d.txt``: the 48 UTF-8 words of the 50-d GloVe
    fixture, each vector written twice to make 100 values."""
    folder = tmp_path / "glove.6B"
    folder.mkdir()
    with gzip.open(FIXTURE_DATA / "word2vec" / "glove.6B.50d.first2445.txt.gz") as f:
        raw = f.read().split(b"\n")
    lines = []
    for line in raw:
        try:
            word, *values = line.decode("utf-8").split()
        except (UnicodeDecodeError, ValueError):
            continue  # the one word that is not UTF-8, and the empty last line
        lines.append(" ".join([word, *values, *values]))
    (folder / "glove.6B.100d.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(folder)


@pytest.fixture
def plt():
    """matplotlib's pyplot drawing off screen; figures closed afterwards."""
    matplotlib = pytest.importorskip("matplotlib", reason="the plotting listings need "
                                     "matplotlib (pip install 'seqlab[plot]')")
    matplotlib.use("Agg")
    from matplotlib import pyplot

    yield pyplot
    pyplot.close("all")
