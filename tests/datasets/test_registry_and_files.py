"""The registry, every loader on the fixtures, truncated files, the fixtures
themselves, and what seqlab.datasets imports."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from seqlab import datasets
from seqlab.datasets import DATASETS, DataFormatError, get, imdb, nsmc, pairs, weather
from seqlab.datasets.download import sha256_of

from .conftest import FIXTURE_DATA, SHARED_DATA

PACKAGE = Path(datasets.__file__).parent


def test_get_returns_an_entry_and_names_the_datasets_otherwise():
    assert list(DATASETS) == ["imdb", "glove", "jena", "beijing", "nsmc", "kor-eng", "spa-eng",
                              "tinyshakespeare"]
    assert get("nsmc") is nsmc.DATASET
    with pytest.raises(ValueError, match=r"unknown dataset 'mnist'; the datasets are: imdb, "
                                         r"glove, jena, beijing, nsmc, kor-eng, spa-eng, "
                                         r"tinyshakespeare"):
        get("mnist")


@pytest.mark.parametrize("name", list(DATASETS))
def test_every_loader_reads_its_fixture(fixture_data, name):
    data = get(name).load()
    assert len(data) > 0 if not isinstance(data, tuple) else len(data[0]) > 0


@pytest.mark.parametrize("file", [f for d in DATASETS.values() for f in d.files],
                         ids=lambda f: f.relative)
def test_files_are_described_consistently(file):
    assert not Path(file.relative).is_absolute() and "\\" not in file.relative
    assert file.sha256 is None or (len(file.sha256) == 64 and int(file.sha256, 16) >= 0)
    assert file.url is None or file.url.startswith("https://")
    assert file.url or file.sha256 or file.note  # a file without source says what it is


def test_checksums_agree_with_the_shared_files():
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data folder not found at {SHARED_DATA}")
    checked = 0
    for dataset in DATASETS.values():
        for file in dataset.files:
            local = SHARED_DATA / file.relative
            if file.sha256 and local.is_file():
                assert sha256_of(local) == file.sha256, file.relative
                checked += 1
    assert checked == 6  # imdb ×2, glove subset, nsmc ×2, tinyshakespeare


@pytest.mark.parametrize("relative, load", [
    (imdb.LABELED.relative, lambda p: imdb.load_reviews("train", path=p)),
    ("nsmc/ratings_test.txt.gz", lambda p: nsmc.load_nsmc("test", path=p)),
    (weather.BEIJING.relative, lambda p: weather.load_beijing(path=p)),
    (pairs.PAIR_SETS["kor-eng"].relative, lambda p: pairs.load_pairs("kor-eng", path=p)),
    ("tinyshakespeare/input.txt.gz", datasets.load_tiny_shakespeare),
    ("word2vec/glove.6B.50d.first2445.txt.gz", lambda p: datasets.load_glove(path=p)),
], ids=lambda value: value if isinstance(value, str) else "")
def test_a_truncated_file_is_an_error_that_names_it(tmp_path, relative, load):
    whole = (FIXTURE_DATA / relative).read_bytes()
    cut = tmp_path / Path(relative).name
    cut.write_bytes(whole[: len(whole) * 2 // 3])
    with pytest.raises(DataFormatError, match=rf"{cut.name}: the file is truncated or corrupt"):
        load(cut)


def test_every_fixture_is_documented_and_the_folder_stays_small():
    readme = (FIXTURE_DATA.parent / "README.md").read_text(encoding="utf-8")
    files = [p for p in FIXTURE_DATA.rglob("*") if p.is_file()]
    for path in files:
        assert f"`{path.relative_to(FIXTURE_DATA).as_posix()}`" in readme
    assert sum(p.stat().st_size for p in files) < 200_000


# ------------------------------------------------------------------ imports
_ALLOWED = ("seqlab.datasets", "seqlab.checks", "seqlab.atomic", "seqlab.random",
            "seqlab.embeddings.formats", "seqlab.embeddings.keyed_vectors",
            "seqlab.embeddings.evaluation")  # NumPy-only modules


def _seqlab_imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {n for n in names if n.startswith("seqlab")}


def test_datasets_import_no_neural_code():
    embeddings = PACKAGE.parent / "embeddings"
    numpy_only = ["formats.py", "keyed_vectors.py", "evaluation.py"]
    for path in [*PACKAGE.glob("*.py"), *(embeddings / name for name in numpy_only)]:
        outside = {n for n in _seqlab_imports(path) if not n.startswith(_ALLOWED)}
        assert not outside, f"{path.name} imports {outside}"


def test_importing_datasets_loads_no_heavy_library():
    code = ("import sys, seqlab.datasets; print(sorted(m for m in ('matplotlib', 'torch', "
            "'kiwipiepy', 'onnx', 'h5py', 'keras', 'rich') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=PACKAGE.parents[1])
    assert out.stdout.strip() == "[]"


def test_fixture_copy_works_as_a_data_folder(tmp_path, monkeypatch):
    """Another folder laid out like shared/data works the same (e.g. a user's own copy)."""
    shutil.copytree(FIXTURE_DATA / "nsmc", tmp_path / "nsmc")
    monkeypatch.setenv("SEQLAB_DATA", str(tmp_path))
    assert len(nsmc.load_nsmc("test")[0]) == 31
