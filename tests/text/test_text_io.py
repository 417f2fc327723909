"""Streaming text files: line ends, gzip, byte offsets of bad bytes, documents, inputs."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from seqlab.text.io import (
    TextDecodeError,
    atomic_write_text,
    iter_documents,
    iter_lines,
    iter_texts,
    read_text,
)


def test_lines_without_line_ends_bom_and_gzip(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes("\ufeff첫 줄\r\nsecond\n\nlast".encode())
    assert list(iter_lines(path)) == ["첫 줄", "second", "", "last"]
    gz = tmp_path / "a.txt.gz"
    gz.write_bytes(gzip.compress("영화\n좋아\n".encode()))
    assert list(iter_lines(gz)) == ["영화", "좋아"]
    assert read_text(gz) == "영화\n좋아\n"


def test_bad_utf8_names_file_byte_offset_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(b"good line\n\xec\x98\x81 bad \xff here\n")
    with pytest.raises(TextDecodeError) as info:
        list(iter_lines(path))
    err = info.value
    assert err.offset == len(b"good line\n\xec\x98\x81 bad ")
    assert err.line == 2 and err.path == str(path)
    assert isinstance(err, ValueError) and isinstance(err, UnicodeDecodeError)
    assert f"{path}" in str(err) and f"byte offset {err.offset}" in str(err)
    assert "errors='replace'" in str(err)
    with pytest.raises(TextDecodeError, match=f"byte offset {err.offset} \\(line 2\\)"):
        read_text(path)


def test_replace_and_ignore_policies(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(b"a\xffb\n")
    assert list(iter_lines(path, errors="replace")) == ["a\ufffdb"]
    assert list(iter_lines(path, errors="ignore")) == ["ab"]
    with pytest.raises(ValueError, match=r"\['strict', 'replace', 'ignore'\]"):
        list(iter_lines(path, errors="skip"))


def test_other_encodings(tmp_path: Path) -> None:
    path = tmp_path / "cp949.txt"
    path.write_bytes("한국어\n영화\n".encode("cp949"))
    assert list(iter_lines(path, encoding="cp949")) == ["한국어", "영화"]
    with pytest.raises(TextDecodeError):
        list(iter_lines(path))  # cp949 bytes are not UTF-8
    with pytest.raises(ValueError, match="not supported"):
        list(iter_lines(path, encoding="utf-16"))
    with pytest.raises(ValueError, match="unknown text encoding"):
        list(iter_lines(path, encoding="klingon"))


def test_documents_from_directory_files_and_errors(imdb_dir: Path, tmp_path: Path) -> None:
    docs = list(iter_documents(imdb_dir))
    files = sorted(imdb_dir.rglob("*.txt"))
    assert len(docs) == 20 and docs[0] == files[0].read_text(encoding="utf-8")
    lines = tmp_path / "lines.txt"
    lines.write_text("one\ntwo\n", encoding="utf-8")
    assert list(iter_documents([lines, lines])) == ["one", "two", "one", "two"]
    with pytest.raises(FileNotFoundError, match="missing"):
        list(iter_documents(tmp_path / "missing"))
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ValueError, match="no files ending in '.txt'"):
        list(iter_documents(empty))


def test_iter_texts_inputs(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text("x\ny\n", encoding="utf-8")
    assert list(iter_texts(["a", b"b", path], "f")) == ["a", "b", "x", "y"]
    assert list(iter_texts(np.array([["a"], ["b"]]), "f")) == ["a", "b"]
    with pytest.raises(TypeError, match="single str"):
        list(iter_texts("a text", "f"))
    with pytest.raises(TypeError, match="item 1 must be a str"):
        list(iter_texts(["a", 3], "f"))
    with pytest.raises(TextDecodeError, match="item 1.*byte offset 1"):
        list(iter_texts(["a", b"a\xff"], "f"))
    with pytest.raises(ValueError, match="1-D"):
        list(iter_texts(np.array([["a", "b"]]), "f"))


def test_atomic_write_replaces_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "out.json"
    atomic_write_text(path, "first")
    atomic_write_text(path, "두 번째")
    assert path.read_text(encoding="utf-8") == "두 번째"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]
    with pytest.raises(FileNotFoundError):
        atomic_write_text(tmp_path / "no_dir" / "x.txt", "x")
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]
