"""Sentence pairs: the manythings zips and any Tatoeba pair file."""

from __future__ import annotations

import zipfile

import pytest

from seqlab.datasets import DataFormatError, DatasetNotFoundError
from seqlab.datasets.pairs import load_pairs


def test_named_sets_from_the_fixtures(fixture_data):
    pairs = load_pairs("kor-eng")
    assert len(pairs) == 40 and pairs[:2] == [("Go.", "가."), ("Hi.", "안녕.")]
    assert load_pairs("kor-eng", reverse=True)[1] == ("안녕.", "Hi.")
    with zipfile.ZipFile(fixture_data / "translation" / "kor-eng.zip") as zf:
        last = zf.read("kor-eng/kor.txt").decode().splitlines()[-1].split("\t")
    assert pairs[-1] == (last[0], last[1]) and len(last) == 3  # attribution left out
    spanish = load_pairs("spa-eng")
    assert len(spanish) == 20 and spanish[0] == ("Go.", "Ve.")


def test_any_pair_file_by_path(tmp_path):
    path = tmp_path / "fra.txt"
    path.write_text("Hello.\tBonjour.\n\nThanks!\tMerci !\tCC-BY 2.0 (France)\n", encoding="utf-8")
    assert load_pairs(path) == [("Hello.", "Bonjour."), ("Thanks!", "Merci !")]
    archive = tmp_path / "fra-eng.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("_about.txt", "about\tthis\n")
        zf.writestr("fra.txt", path.read_text(encoding="utf-8"))
    assert load_pairs(str(archive), reverse=True)[0] == ("Bonjour.", "Hello.")
    assert load_pairs("kor-eng", path=path)[0] == ("Hello.", "Bonjour.")


@pytest.mark.parametrize("line, problem", [
    ("just one column", r"expected 2 or 3 tab-separated columns \(English, translation\[, "
                        + r"attribution\]\), got 1"),
    ("a\tb\tc\td", r"expected 2 or 3 tab-separated columns .*, got 4"),
    ("\tVacío.", "the English side is empty"),
    ("Empty.\t  ", "the translated side is empty"),
])
def test_malformed_lines_are_named_with_their_number(tmp_path, line, problem):
    path = tmp_path / "pairs.txt"
    path.write_text(f"Go.\tVe.\nRun!\tCorre.\n{line}\n", encoding="utf-8")
    with pytest.raises(DataFormatError, match=rf"pairs\.txt: line 3: {problem}"):
        load_pairs(path)


def test_unknown_names_and_bad_arguments(tmp_path):
    with pytest.raises(DatasetNotFoundError, match=r"'deu-eng' is neither a named pair set "
                                                   r"\(kor-eng, spa-eng\) nor an existing file"):
        load_pairs("deu-eng")
    path = tmp_path / "x.txt"
    path.write_text("a\tb\n")
    with pytest.raises(ValueError, match="path= gives the file of a named set"):
        load_pairs(path, path=path)
    with pytest.raises(ValueError, match=r"reverse must be one of \[False, True\], got 'yes'"):
        load_pairs(path, reverse="yes")
    empty = tmp_path / "empty.txt"
    empty.write_text("\n")
    with pytest.raises(DataFormatError, match="holds no sentence pairs"):
        load_pairs(empty)


def test_real_files(shared_data):
    assert len(load_pairs("kor-eng")) == 5_749
    assert len(load_pairs("spa-eng")) == 118_964
