import io
import tarfile
from pathlib import Path

import numpy as np
import pytest

from seqlab.data.download import locate, sha256_of
from seqlab.data.imdb import LABELED, LABELED_SHA256, load_imdb_reviews

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def _archive(tmp_path: Path, members: dict[str, str]) -> Path:
    path = tmp_path / "mini.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        for name, text in members.items():
            data = text.encode("utf-8")
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def test_reads_the_original_layout_and_labels(tmp_path):
    path = _archive(tmp_path, {
        "aclImdb/README": "not a review",
        "aclImdb/train/pos/3_9.txt": "great<br />film",
        "aclImdb/train/pos/1_10.txt": "loved it",
        "aclImdb/train/neg/2_1.txt": "awful",
        "aclImdb/test/neg/0_2.txt": "bad",
        "aclImdb/train/unsup/5_0.txt": "meh",
    })
    texts, labels = load_imdb_reviews("train", path=path, shuffle_seed=None)
    assert texts == ["loved it", "great<br />film", "awful"]
    np.testing.assert_array_equal(labels, [1, 1, 0])
    texts, labels = load_imdb_reviews("test", path=path)
    assert texts == ["bad"] and labels.tolist() == [0]


def test_shuffle_is_seeded(tmp_path):
    members = {f"aclImdb/train/pos/{i}_8.txt": f"review {i}" for i in range(20)}
    path = _archive(tmp_path, members)
    a, _ = load_imdb_reviews("train", path=path, shuffle_seed=1)
    b, _ = load_imdb_reviews("train", path=path, shuffle_seed=1)
    c, _ = load_imdb_reviews("train", path=path, shuffle_seed=None)
    assert a == b and sorted(a) == sorted(c) and a != c


def test_errors_name_what_was_wrong(tmp_path):
    with pytest.raises(ValueError, match="split must be one of"):
        load_imdb_reviews("dev")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_imdb_reviews("train", path=tmp_path / "missing.tar.gz")
    empty = _archive(tmp_path, {"aclImdb/README": "x"})
    with pytest.raises(ValueError, match="holds no reviews"):
        load_imdb_reviews("train", path=empty)


def test_locate_reports_where_it_looked(tmp_path):
    with pytest.raises(FileNotFoundError, match="SEQLAB_DATA"):
        locate("nothing/here.bin", dirs=[tmp_path])
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "f.txt").write_text("x")
    assert locate("a/f.txt", dirs=[tmp_path]) == tmp_path / "a" / "f.txt"


@pytest.mark.skipif(not (SHARED / LABELED).is_file(), reason="../shared/data/imdb is absent")
def test_real_archive_checksum_and_counts():
    assert sha256_of(SHARED / LABELED) == LABELED_SHA256
    texts, labels = load_imdb_reviews("test", path=SHARED / LABELED)
    assert len(texts) == 25_000 and labels.sum() == 12_500
