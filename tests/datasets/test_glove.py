"""GloVe vectors from text files, the subset and the zip; the book's embedding matrix."""

from __future__ import annotations

import gzip
import zipfile

import numpy as np
import pytest

from seqlab.datasets import DataFormatError, glove
from seqlab.datasets.glove import embedding_matrix, load_glove
from seqlab.embeddings import KeyedVectors


def _vector_line(path, word: str) -> np.ndarray:
    """The vector of ``word`` as written in a (gzipped) GloVe file."""
    with gzip.open(path, "rt", encoding="utf-8", errors="backslashreplace") as lines:
        for line in lines:
            parts = line.rstrip("\n").split(" ")
            if parts[0] == word:
                return np.array(parts[1:], dtype=np.float32)
    raise AssertionError(f"{word} not in {path}")


def test_the_50d_sample_loads_with_its_non_utf8_word(fixture_data):
    kv = load_glove()
    assert isinstance(kv, KeyedVectors) and kv.vector_size == 50 and len(kv.index_to_key) == 49
    assert kv.index_to_key[:4] == ["the", ",", ".", "of"] and "\\x96" in kv.key_to_index
    sample = fixture_data / glove.SUBSET_50D.relative
    np.testing.assert_array_equal(kv.vectors[kv.key_to_index["king"]], _vector_line(sample, "king"))
    with pytest.raises(ValueError, match=r"bytes b'\\x96' are not valid UTF-8"):
        load_glove(errors="strict")


def _glove_text(words: dict[str, list[float]]) -> str:
    return "".join(w + " " + " ".join(map(str, v)) + "\n" for w, v in words.items())


def test_any_dimension_by_path_and_a_dimension_check(tmp_path):
    path = tmp_path / "tiny.3d.txt"
    path.write_text(_glove_text({"a": [1, 0, 0], "b": [0, 1, 0]}))
    kv = load_glove(dim=3, path=path)
    assert kv.index_to_key == ["a", "b"] and kv.vectors.shape == (2, 3)
    with pytest.raises(DataFormatError, match=r"tiny\.3d\.txt: holds 3-d vectors, but dim=50"):
        load_glove(path=path)
    with pytest.raises(ValueError, match=r"dim must be one of \[50, 100, 200, 300\].*got 7; "
                                         r"pass path="):
        load_glove(dim=7)
    with pytest.raises(ValueError, match="dim must be a positive integer, got 0"):
        load_glove(dim=0)


def test_the_public_zip_is_extracted_once_into_the_cache(tmp_path, monkeypatch, own_cache):
    data = tmp_path / "data"
    archive = data / glove.ARCHIVE.relative
    archive.parent.mkdir(parents=True)
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("glove.6B.100d.txt", _glove_text({"x": [0.5] * 100, "y": [-1.0] * 100}))
        zf.writestr("glove.6B.50d.txt", _glove_text({"z": [2.0] * 50}))
    monkeypatch.setenv("SEQLAB_DATA", str(data))
    kv = load_glove(dim=100)
    assert kv.index_to_key == ["x", "y"] and kv.vectors[1, 99] == -1.0
    assert (own_cache / "glove" / "glove.6B.100d.txt").is_file()
    archive.write_bytes(b"the zip is not read again")
    assert load_glove(dim=100).index_to_key == ["x", "y"]
    with pytest.raises(DataFormatError, match=r"glove\.6B\.zip: the file is truncated or corrupt"):
        load_glove(dim=200)


def test_embedding_matrix_rows_follow_the_word_index(fixture_data):
    kv = load_glove()
    word_index = {"the": 1, "king": 2, "no-such-word": 3, "queen": 9}
    matrix, found = embedding_matrix(word_index, kv, num_words=5, return_found=True)
    assert matrix.shape == (5, 50) and matrix.dtype == np.float32 and found == 2
    np.testing.assert_array_equal(matrix[1], kv.vectors[kv.key_to_index["the"]])
    np.testing.assert_array_equal(matrix[2], kv.vectors[kv.key_to_index["king"]])
    assert not matrix[[0, 3, 4]].any()  # padding, a word without vector, unused rows
    as_dict = {w: kv.vectors[i] for w, i in kv.key_to_index.items()}
    np.testing.assert_array_equal(embedding_matrix(word_index, as_dict, 5), matrix)
    with pytest.raises(ValueError, match=r"word_index\['bad'\] must be an int >= 0, got -1"):
        embedding_matrix({"bad": -1}, kv, 5)
    with pytest.raises(ValueError, match=r"1-D and of one length, got shapes \[\(2,\), \(3,\)\]"):
        embedding_matrix(word_index, {"the": [1, 2], "king": [1, 2, 3]}, 5)
    with pytest.raises(ValueError, match="num_words must be a positive integer"):
        embedding_matrix(word_index, kv, 0)


def test_real_subset(shared_data):
    kv = load_glove()
    assert len(kv.index_to_key) == 2445 and kv.index_to_key[0] == "the"
    assert kv.most_similar(positive=["king", "woman"], negative=["man"], topn=1)[0][0] == "queen"
