"""word2vec text/binary and GloVe files: exact round trips, detection, errors."""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import numpy as np
import pytest

from seqlab.embeddings import KeyedVectors, read_vectors, write_vectors
from seqlab.embeddings.formats import open_vectors_for_write

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
GLOVE_SAMPLE = FIXTURES / "glove_6B_50d_sample.txt"

KEYS = ["the", "king", "queen", "München", "東京", "x'y"]


@pytest.fixture
def vectors() -> np.ndarray:
    rng = np.random.default_rng(0)
    v = rng.normal(size=(len(KEYS), 7)).astype(np.float32)
    v[0, 0] = np.float32(1e-38)  # tiny, huge and awkward values must survive exactly
    v[1, 1] = np.float32(3.4e38)
    v[2, 2] = np.float32(0.1)
    v[3, 3] = -0.0
    return v


@pytest.mark.parametrize("binary", [False, True])
@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_round_trip_is_bit_exact(tmp_path, vectors, binary, suffix):
    path = tmp_path / f"v{'.bin' if binary else '.txt'}{suffix}"
    write_vectors(path, KEYS, vectors, binary=binary)
    keys, back = read_vectors(path)  # format detected from the content
    assert keys == KEYS
    assert back.dtype == np.float32
    assert back.tobytes() == vectors.tobytes()


def test_glove_round_trip_and_detection(tmp_path, vectors):
    path = tmp_path / "glove.txt"
    write_vectors(path, KEYS, vectors, header=False)
    assert path.read_text(encoding="utf-8").splitlines()[0].startswith("the ")
    keys, back = read_vectors(path)
    assert keys == KEYS and back.tobytes() == vectors.tobytes()
    keys2, _ = read_vectors(path, no_header=True)
    assert keys2 == KEYS


def test_binary_layout_is_the_c_tool_format(tmp_path):
    path = tmp_path / "v.bin"
    write_vectors(path, ["ab", "c"], np.array([[1.0, -2.0], [0.5, 4.0]]), binary=True)
    expected = (b"2 2\n" + b"ab " + struct.pack("<2f", 1.0, -2.0) + b"\n"
                + b"c " + struct.pack("<2f", 0.5, 4.0) + b"\n")
    assert path.read_bytes() == expected


def test_binary_without_newlines_after_vectors_is_read(tmp_path):
    path = tmp_path / "v.bin"
    path.write_bytes(b"2 2\nab " + struct.pack("<2f", 1.0, -2.0)
                     + b"c " + struct.pack("<2f", 0.5, 4.0))
    keys, vecs = read_vectors(path, binary=True)
    assert keys == ["ab", "c"]
    np.testing.assert_array_equal(vecs, [[1.0, -2.0], [0.5, 4.0]])


def test_text_format_with_trailing_spaces_like_the_c_tool(tmp_path):
    path = tmp_path / "v.txt"
    path.write_text("2 3\na 1 2 3 \nb 4 5 6 \n", encoding="utf-8")
    keys, vecs = read_vectors(path)
    assert keys == ["a", "b"]
    np.testing.assert_array_equal(vecs, [[1, 2, 3], [4, 5, 6]])


def test_limit_reads_the_first_vectors(tmp_path, vectors):
    for binary in (False, True):
        path = tmp_path / f"v{binary}"
        write_vectors(path, KEYS, vectors, binary=binary)
        keys, back = read_vectors(path, limit=2)
        assert keys == KEYS[:2]
        np.testing.assert_array_equal(back, vectors[:2])


def test_real_glove_sample():
    kv = KeyedVectors.load_word2vec_format(GLOVE_SAMPLE, errors="backslashreplace")
    assert len(kv) == 49 and kv.vector_size == 50
    assert kv.index_to_key[:4] == ["the", ",", ".", "of"]
    assert kv["the"][:3].tolist() == [np.float32(0.418), np.float32(0.24968),
                                      np.float32(-0.41242)]
    assert kv.index_to_key[-1] == "\\x96"  # the original file's non-UTF-8 word


def test_non_utf8_word_names_line_and_offset():
    raw = GLOVE_SAMPLE.read_bytes()
    offset = raw.index(b"\n\x96 ") + 1
    with pytest.raises(ValueError, match=rf"line 49, byte offset {offset}: .*not valid UTF-8"):
        read_vectors(GLOVE_SAMPLE)


def test_gzip_glove_file_is_read(tmp_path):
    path = tmp_path / "g.txt.gz"
    with gzip.open(path, "wb") as out:
        out.write(b"a 1 2\nb 3 4\n")
    keys, vecs = read_vectors(path)
    assert keys == ["a", "b"] and vecs.tolist() == [[1, 2], [3, 4]]


@pytest.mark.parametrize("content, message", [
    ("2 3\na 1 2 3\nb 4 5\n", r"line 3: expected a word and 3 values, got 2 values \(word 'b'\)"),
    ("2 3\na 1 2 3\nb 4 x 6\n", r"line 3: field 3 \('x'\) of word 'b' is not a number"),
    ("3 3\na 1 2 3\nb 4 5 6\n", r"header announces 3 vectors but the file holds 2"),
    ("a 1 2 3\nb 4 5\n", r"line 2: expected a word and 3 values, got 2"),
    ("", r"the file is empty"),
    ("2 -3\na 1\n", r"line 1: header must be 'N E'"),
])
def test_malformed_text_files(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        read_vectors(path)


def test_demanded_header_missing(tmp_path):
    path = tmp_path / "g.txt"
    path.write_text("a 1 2\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 1: expected a header 'N E'"):
        read_vectors(path, no_header=False)


def test_truncated_binary_file(tmp_path):
    path = tmp_path / "v.bin"
    path.write_bytes(b"2 4\nab " + struct.pack("<4f", 1, 2, 3, 4) + b"\ncd " + b"\0" * 9)
    start = len(b"2 4\nab ") + 16 + 1 + len(b"cd ")
    with pytest.raises(ValueError, match=rf"entry 2 of 2 \('cd'\) at byte offset {start}: "
                                         r"expected 16 bytes of float32 but the file ends "
                                         r"after 9"):
        read_vectors(path, binary=True)


def test_binary_with_extra_data_after_the_announced_vectors(tmp_path):
    path = tmp_path / "v.bin"
    path.write_bytes(b"1 1\na " + struct.pack("<f", 1) + b"\nb " + struct.pack("<f", 2))
    with pytest.raises(ValueError, match="follow the 1 vectors the header announces"):
        read_vectors(path, binary=True)


def test_duplicate_words_warn_and_keep_the_first(tmp_path):
    path = tmp_path / "d.txt"
    path.write_text("3 1\na 1\nb 2\na 3\n", encoding="utf-8")
    with pytest.warns(UserWarning, match="line 4: duplicate word 'a'"):
        keys, vecs = read_vectors(path)
    assert keys == ["a", "b"] and vecs.ravel().tolist() == [1, 2]


def test_write_rejects_bad_keys_and_shapes(tmp_path):
    with pytest.raises(ValueError, match="without white space, got 'a b'"):
        write_vectors(tmp_path / "x.txt", ["a b"], np.zeros((1, 2)))
    with pytest.raises(ValueError, match=r"shape \(len\(keys\)=2, E\), got \(3, 2\)"):
        write_vectors(tmp_path / "x.txt", ["a", "b"], np.zeros((3, 2)))


def test_atomic_write_keeps_the_old_file_on_failure(tmp_path):
    path = tmp_path / "v.txt"
    path.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError, match="boom"), open_vectors_for_write(path) as out:
        out.write(b"partial")
        raise RuntimeError("boom")
    assert path.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["v.txt"]  # no temporary left behind


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="vector file not found"):
        read_vectors(tmp_path / "nope.bin")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        write_vectors(tmp_path / "no" / "v.txt", ["a"], np.zeros((1, 2)))


def _glove_line(word: str, values) -> str:
    return word + " " + " ".join(str(v) for v in values) + "\n"


# --------------------------------------------------- NaN and infinite values
def test_nan_and_inf_in_a_text_file_load_with_a_warning(tmp_path):
    path = tmp_path / "v.txt"
    path.write_text("4 3\na 1 2 3\nb 4 nan 6\nc inf -inf 1e39\nd 7 8 9\n", encoding="utf-8")
    with pytest.warns(UserWarning, match=r"v\.txt: 4 values in 2 vectors are NaN or infinite "
                                         r".*the first is value 2 of word 'b' at line 3"):
        keys, vecs = read_vectors(path)
    assert keys == ["a", "b", "c", "d"]  # kept as read, as gensim does
    assert np.isnan(vecs[1, 1]) and vecs[2].tolist() == [np.inf, -np.inf, np.inf]
    assert np.isfinite(vecs[[0, 3]]).all()


def test_nan_in_a_glove_file_names_its_line(tmp_path):
    path = tmp_path / "g.txt"
    path.write_text("a 1 2\n\nb 3 4\nc -inf nan\n", encoding="utf-8")
    with pytest.warns(UserWarning, match=r"2 values in 1 vectors .* value 1 of word 'c' at "
                                         r"line 4"):
        read_vectors(path)


def test_nan_in_a_binary_file_names_its_entry(tmp_path):
    path = tmp_path / "v.bin"
    vectors = np.array([[1, 2], [3, 4], [np.nan, 5]], dtype=np.float32)
    write_vectors(path, ["a", "b", "c"], vectors, binary=True)
    with pytest.warns(UserWarning, match=r"1 values in 1 vectors .* value 1 of word 'c' at "
                                         r"entry 3"):
        keys, back = read_vectors(path)
    assert keys == ["a", "b", "c"] and np.isnan(back[2, 0])


def test_a_limit_before_the_bad_vector_reads_without_a_warning(tmp_path):
    path = tmp_path / "v.txt"
    path.write_text("2 2\na 1 2\nb nan 4\n", encoding="utf-8")
    keys, _ = read_vectors(path, limit=1)  # warnings are errors in this test run
    assert keys == ["a"]


def test_queries_refuse_a_word_whose_vector_is_not_finite(tmp_path):
    path = tmp_path / "g.txt"
    path.write_text("a 1 0\nb 0.9 0.1\nbad nan 1\nc 0 1\n", encoding="utf-8")
    with pytest.warns(UserWarning, match="NaN or infinite"):
        kv = KeyedVectors.load_word2vec_format(path)
    assert [w for w, _ in kv.most_similar("a", topn=2)] == ["b", "c"]  # NaN ranks last
    with pytest.raises(ValueError, match="most_similar: the vector of 'bad' holds NaN"):
        kv.most_similar(positive=["a", "bad"])
    with pytest.raises(ValueError, match="the vector of a query vector holds NaN"):
        kv.similar_by_vector(np.array([np.inf, 1.0]))


# ------------------------------------------- word2vec header or GloVe line?
def test_glove_file_whose_first_word_is_a_number(tmp_path):
    path = tmp_path / "g.txt"
    path.write_text(_glove_line("2010", range(50)) + _glove_line("the", range(1, 51)),
                    encoding="utf-8")
    keys, vecs = read_vectors(path)  # 51 fields: not a header
    assert keys == ["2010", "the"] and vecs.shape == (2, 50)


def test_one_dimensional_glove_file_that_reads_like_a_header(tmp_path):
    path = tmp_path / "g.txt"
    path.write_text("3 2\nb 4\nc 5\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"line 2: expected a word and 2 values, got 1 values "
                                         r"\(word 'b'\); line 1 \('3 2'\) was read as a "
                                         r"word2vec header 'N E'; .* no_header=True"):
        read_vectors(path)
    keys, vecs = read_vectors(path, no_header=True)
    assert keys == ["3", "b", "c"] and vecs.ravel().tolist() == [2, 4, 5]


def test_word2vec_text_file_read_as_glove_names_its_header(tmp_path, vectors):
    path = tmp_path / "v.txt"
    write_vectors(path, KEYS, vectors)
    with pytest.raises(ValueError, match=r"line 2: expected a word and 1 values, got 7 values "
                                         r"\(word 'the'\); line 1 \('6 7'\) looks like a "
                                         r"word2vec header 'N E'"):
        read_vectors(path, no_header=True)


def test_glove_file_read_as_word2vec_says_it_looks_like_glove():
    with pytest.raises(ValueError, match=r"line 1: expected a header 'N E' \(two integers\), "
                                         r"got 'the 0\.418 .*; it looks like a GloVe file "
                                         r"\(a word and 50 values, no header\): load it with "
                                         r"no_header=True"):
        read_vectors(GLOVE_SAMPLE, no_header=False)


def test_unknown_error_handler_is_refused():
    with pytest.raises(ValueError, match="errors must be a codec error handler .* got 'bogus'"):
        read_vectors(GLOVE_SAMPLE, errors="bogus")
