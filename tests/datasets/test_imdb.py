"""IMDB: the reviews as in the archive, and Keras' integer encoding built from them."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import numpy as np
import pytest

from seqlab.datasets import DataFormatError, DatasetNotFoundError, imdb
from seqlab.datasets.imdb import get_word_index, load_data, load_reviews, tokenize
from seqlab.datasets.imdb_archive import LABELED


def _archive(tmp_path: Path, members: dict[str, str], name: str = "mini.tar.gz") -> Path:
    path = tmp_path / name
    with tarfile.open(path, "w:gz") as tar:
        for member, text in members.items():
            data = text.encode("utf-8")
            info = tarfile.TarInfo(member)
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
    texts, labels = load_reviews("train", path=path, shuffle_seed=None)
    assert texts == ["loved it", "great<br />film", "awful"]
    np.testing.assert_array_equal(labels, [1, 1, 0])
    assert load_reviews("test", path=path)[0] == ["bad"]
    texts, labels = load_reviews("unsup", path=path)
    assert texts == ["meh"] and labels.tolist() == [-1]


def test_shuffle_is_seeded(tmp_path):
    path = _archive(tmp_path, {f"aclImdb/train/pos/{i}_8.txt": f"review {i}" for i in range(20)})
    a, _ = load_reviews("train", path=path, shuffle_seed=1)
    b, _ = load_reviews("train", path=path, shuffle_seed=1)
    c, _ = load_reviews("train", path=path, shuffle_seed=None)
    assert a == b and sorted(a) == sorted(c) and a != c


def test_errors_name_what_was_wrong(tmp_path):
    with pytest.raises(ValueError, match=r"split must be one of \['train', 'test', 'unsup'\], "
                                         r"got 'dev'"):
        load_reviews("dev")
    with pytest.raises(DatasetNotFoundError, match="does not exist"):
        load_reviews("train", path=tmp_path / "missing.tar.gz")
    empty = _archive(tmp_path, {"aclImdb/README": "x"})
    with pytest.raises(DataFormatError, match=r"holds no reviews for split 'train' \(expected "
                                              r"members aclImdb/train/\{pos,neg\}/"):
        load_reviews("train", path=empty)
    latin1 = tmp_path / "latin1.tar.gz"
    with tarfile.open(latin1, "w:gz") as tar:
        info = tarfile.TarInfo("aclImdb/train/pos/0_9.txt")
        info.size = 5
        tar.addfile(info, io.BytesIO("caf\xe9!".encode("latin-1")))
    with pytest.raises(DataFormatError, match=r"member aclImdb/train/pos/0_9\.txt: bytes "
                                              r"b'\\xe9' are not valid UTF-8"):
        load_reviews("train", path=latin1)


def test_tokenize():
    assert tokenize("Don't<br /><br />STOP—it's 10/10! well-made_film") == [
        "don't", "stop", "it's", "10", "10", "well", "made", "film"]
    assert tokenize("최고의 영화, 정말!") == ["최고의", "영화", "정말"]


# ------------------------------------------------------------------ load_data
@pytest.fixture
def small_archive(tmp_path) -> Path:
    """train: a ×3, b ×3, c ×2, d ×1 → ranks a 1, b 2 (ties alphabetical), c 3, d 4;
    test: e never occurs in train."""
    return _archive(tmp_path, {
        "aclImdb/train/pos/0_9.txt": "A a b<br />c",
        "aclImdb/train/pos/1_8.txt": "b d",
        "aclImdb/train/neg/2_2.txt": "a b c",
        "aclImdb/test/pos/3_9.txt": "e a d",
        "aclImdb/test/neg/4_1.txt": "c",
    })


def _decoded(x, y, texts, labels, rank_to_id):
    """Check x[i] against the texts in load_reviews' order."""
    assert len(x) == len(texts) and y.tolist() == labels.tolist()
    for sequence, text in zip(x, texts):
        assert sequence == [1] + [rank_to_id[w] for w in tokenize(text) if w in rank_to_id]


def test_load_data_ids_follow_keras(small_archive):
    assert get_word_index(path=small_archive) == {"a": 1, "b": 2, "c": 3, "d": 4}
    (x_train, y_train), (x_test, y_test) = load_data(path=small_archive, seed=7)
    assert x_train.dtype == object and isinstance(x_train[0], list)
    texts, labels = load_reviews("train", path=small_archive, shuffle_seed=7)
    _decoded(x_train, y_train, texts, labels, {"a": 4, "b": 5, "c": 6, "d": 7})
    texts, labels = load_reviews("test", path=small_archive, shuffle_seed=7)
    _decoded(x_test, y_test, texts, labels, {"a": 4, "b": 5, "c": 6, "d": 7})  # 'e' skipped
    assert sorted(map(tuple, x_test)) == [(1, 4, 7), (1, 6)]


def test_num_words_skip_top_and_markers(small_archive):
    (x, _), _ = load_data(path=small_archive, seed=0, num_words=6)
    assert sorted(map(tuple, x)) == [(1, 4, 4, 5, 2), (1, 4, 5, 2), (1, 5, 2)]  # c=6, d=7 → 2
    (x, _), _ = load_data(path=small_archive, seed=0, skip_top=1, start_char=None)
    assert sorted(map(tuple, x)) == [(2, 2, 5, 6), (2, 5, 6), (5, 7)]  # a (rank 1) → oov
    (x, _), _ = load_data(path=small_archive, seed=0, num_words=6, oov_char=None,
                          index_from=2, start_char=1)
    assert sorted(map(tuple, x)) == [(1, 3, 3, 4, 5), (1, 3, 4, 5), (1, 4)]  # d=6 removed


def test_maxlen_drops_longer_reviews(small_archive):
    (x, y), (x_test, _) = load_data(path=small_archive, maxlen=4)
    assert sorted(map(len, x)) == [3, 4] and len(y) == 2  # "a a b c" + start = 5 is dropped
    assert sorted(map(len, x_test)) == [2, 3]
    with pytest.raises(ValueError, match=r"no train review is at most maxlen=2 long"):
        load_data(path=small_archive, maxlen=2)


def test_equal_lengths_stay_an_object_array_of_lists(tmp_path):
    path = _archive(tmp_path, {"aclImdb/train/pos/0_9.txt": "a b", "aclImdb/train/neg/1_1.txt":
                               "b a", "aclImdb/test/pos/2_9.txt": "a b"})
    (x, _), (x_test, _) = load_data(path=path)
    assert x.shape == (2,) and x_test.shape == (1,) and x_test[0] == [1, 4, 5]


def test_load_data_arguments_are_checked(small_archive):
    with pytest.raises(ValueError, match="num_words must be an int >= 1 or None, got 0"):
        load_data(num_words=0, path=small_archive)
    with pytest.raises(ValueError, match=r"start_char=1 collides with the word ids, which start "
                                         r"at index_from \+ 1 = 1"):
        load_data(index_from=0, path=small_archive)


def test_the_tokenized_corpus_is_cached(small_archive, own_cache):
    first = load_data(path=small_archive, seed=3)
    cached = list((own_cache / "imdb").glob("corpus-*-v1.npz"))
    assert len(cached) == 1
    cached[0].write_bytes(b"not an npz")  # a broken cache is rebuilt, not trusted
    again = load_data(path=small_archive, seed=3)
    for (x1, y1), (x2, y2) in zip(first, again):
        assert x1.tolist() == x2.tolist() and y1.tolist() == y2.tolist()
    assert cached[0].stat().st_size > 100


# --------------------------------------------------------------- real files
def test_fixture_archives(fixture_data):
    texts, labels = load_reviews("train", shuffle_seed=None)
    assert len(texts) == 8 and labels.tolist() == [1] * 4 + [0] * 4
    with tarfile.open(fixture_data / LABELED.relative) as tar:
        assert texts[0] == tar.extractfile("aclImdb/train/pos/1000_8.txt").read().decode()
    assert sum("<br />" in t for t in texts) > 0
    texts, labels = load_reviews("unsup")
    assert len(texts) == 4 and set(labels.tolist()) == {-1}
    (x_train, y_train), (x_test, _) = load_data(num_words=50)
    assert len(x_train) == len(x_test) == 8 and y_train.sum() == 4
    assert max(max(x) for x in x_train) <= 49 and get_word_index()["the"] == 1


def test_real_archives(shared_data):
    texts, labels = load_reviews("unsup")
    assert len(texts) == 50_000 and set(labels.tolist()) == {-1}
    (x_train, y_train), (x_test, y_test) = load_data(num_words=10_000)
    assert len(x_train) == len(x_test) == 25_000 and y_train.sum() == y_test.sum() == 12_500
    assert max(max(x) for x in x_train) == 9_999 and min(min(x) for x in x_train) == 1
    index = get_word_index()
    assert len(index) > 70_000 and [w for w, r in index.items() if r <= 3] == ["the", "and", "a"]


def test_registry_entry_names_the_public_archive():
    entry = imdb.DATASET
    original = next(f for f in entry.files if f.url)
    assert original.url == "https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz"
    assert original.relative == "imdb/aclImdb_v1.tar.gz" and len(original.sha256) == 64
    assert entry.loader is load_reviews
