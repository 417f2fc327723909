"""Tiny Shakespeare: one text file, plain or gzipped."""

from __future__ import annotations

import pytest

from seqlab.datasets import DataFormatError
from seqlab.datasets.shakespeare import load_tiny_shakespeare


def test_fixture_text(fixture_data):
    text = load_tiny_shakespeare()
    assert text.startswith("First Citizen:\nBefore we proceed any further, hear me speak.\n")
    assert text.count("\n") == 60


def test_plain_file_and_bad_files(tmp_path):
    path = tmp_path / "input.txt"
    path.write_text("ROMEO:\nBut soft!\n", encoding="utf-8")
    assert load_tiny_shakespeare(path) == "ROMEO:\nBut soft!\n"
    path.write_bytes(b"ROMEO:\nBut \xff soft!\n")
    with pytest.raises(DataFormatError, match=r"input\.txt: line 2: bytes b'\\xff' are not valid"):
        load_tiny_shakespeare(path)
    path.write_bytes(b"")
    with pytest.raises(DataFormatError, match="the file is empty"):
        load_tiny_shakespeare(path)


def test_real_file(shared_data):
    text = load_tiny_shakespeare()
    assert len(text) == 1_115_394 and text.count("\n") == 40_000
