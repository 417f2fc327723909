"""NSMC: tab-separated Korean reviews read with quoting disabled."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from seqlab.datasets import DataFormatError, nsmc
from seqlab.datasets.nsmc import load_nsmc


def _raw_rows(path) -> list[list[str]]:
    with gzip.open(path, "rt", encoding="utf-8") as text:
        lines = text.read().split("\n")
    return [line.split("\t") for line in lines[1:] if line]


def test_fixture_rows_are_kept_verbatim(fixture_data):
    texts, labels = load_nsmc("test")
    rows = _raw_rows(fixture_data / "nsmc" / "ratings_test.txt.gz")
    assert texts == [doc for _, doc, _ in rows] and labels.tolist() == [int(y) for *_, y in rows]
    assert labels.dtype == np.int64 and len(texts) == 31
    quoted = next(t for t in texts if t.startswith('"""'))
    assert '""""' in quoted  # the csv-quote artefacts are not undone
    assert texts[-1] == "" and texts[0] == "굳 ㅋ"
    texts, labels = load_nsmc("train")
    assert len(texts) == 20 and set(labels.tolist()) <= {0, 1}


def test_a_plain_file_by_path_and_bad_lines(tmp_path):
    path = tmp_path / "ratings.txt"
    path.write_text("id\tdocument\tlabel\n1\t최고의 영화\t1\n2\t\"별로\"\t0\n", encoding="utf-8")
    texts, labels = load_nsmc(path=path)
    assert texts == ["최고의 영화", '"별로"'] and labels.tolist() == [1, 0]
    path.write_text("id\tdocument\tlabel\n1\t좋아요\t1\n2\t싫어요\t5\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match=r"ratings\.txt: line 3: expected 'id<TAB>"
                       r"document<TAB>label' with label 0 or 1, got '2\\t싫어요\\t5'"):
        load_nsmc(path=path)
    path.write_text("document,label\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match=r"line 1: expected the header 'id\\tdocument"):
        load_nsmc(path=path)
    path.write_bytes(b"id\tdocument\tlabel\n1\t\xc7\xd1\t1\n")  # EUC-KR, not UTF-8
    with pytest.raises(DataFormatError, match=r"line 2: bytes b'\\xc7' are not valid UTF-8"):
        load_nsmc(path=path)
    with pytest.raises(ValueError, match=r"split must be one of \['train', 'test'\]"):
        load_nsmc("dev")


def test_registry_lists_the_canonical_files_and_the_subset():
    relatives = [f.relative for f in nsmc.DATASET.files]
    assert relatives == ["nsmc/ratings_train.txt", "nsmc/ratings_train_subset50k.txt.gz",
                         "nsmc/ratings_test.txt", "nsmc/ratings_test.txt.gz"]
    assert all(f.url.startswith("https://raw.githubusercontent.com/e9t/nsmc/")
               for f in nsmc.DATASET.files if f.url)


def test_real_files(shared_data):
    texts, labels = load_nsmc("test")
    assert len(texts) == 50_000 and labels.sum() == 25_173
    texts, labels = load_nsmc("train")
    assert len(texts) == 50_000 and labels.sum() == 24_690
