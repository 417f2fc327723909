"""Vocabulary: ids, ordering, limits, unknown tokens, JSON save/load."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

from seqlab.text.vocab import Vocabulary, VocabularySizeWarning

TALK = [["We", "are", "SAI"], ["We", "are", "a", "student"]]


def test_reserved_ids_then_frequency_then_first_occurrence() -> None:
    v = Vocabulary.build(TALK)
    assert v.get_vocabulary() == ["", "[UNK]", "We", "are", "SAI", "a", "student"]
    assert (v.pad_id, v.oov_id, v.num_reserved) == (0, 1, 2)
    assert v.counts == [2, 2, 1, 1, 1]
    assert v.get_vocabulary(include_special_tokens=False)[0] == "We"


def test_ties_follow_first_occurrence_not_alphabet() -> None:
    tokens = ["zebra", "apple", "mango", "apple", "zebra", "kiwi"]
    v = Vocabulary.build([tokens], pad_token=None, oov_token=None)
    assert v.get_vocabulary() == ["zebra", "apple", "mango", "kiwi"]
    # a different first occurrence gives a different (but again deterministic) order
    v2 = Vocabulary.build([list(reversed(tokens))], pad_token=None, oov_token=None)
    assert v2.get_vocabulary() == ["zebra", "apple", "kiwi", "mango"]


def test_lookups_both_ways_and_unknown_tokens() -> None:
    v = Vocabulary.build(TALK)
    assert v["SAI"] == 4 and v.token_to_id("nobody") == 1
    assert v.id_to_token(4) == "SAI"
    assert v.encode(["We", "love", "SAI"]) == [2, 1, 4]
    assert v.decode([0, 2, 1, 4, 0]) == ["We", "[UNK]", "SAI"]
    assert v.decode([0, 2], skip_padding=False) == ["", "We"]
    assert "are" in v and "love" not in v and len(v) == 7
    with pytest.raises(IndexError, match=r"\[0, 7\)"):
        v.id_to_token(7)


def test_without_oov_unknown_tokens_are_dropped_or_named() -> None:
    v = Vocabulary.build(TALK, oov_token=None)
    assert v.get_vocabulary()[:2] == ["", "We"]
    assert v.encode(["We", "love", "SAI"]) == [1, 3]
    with pytest.raises(KeyError, match="'love'"):
        v.token_to_id("love")
    bare = Vocabulary.build(TALK, pad_token=None, oov_token=None)
    assert bare["We"] == 0 and bare.num_reserved == 0


def test_max_tokens_counts_reserved_ids_and_min_freq() -> None:
    v = Vocabulary.build(TALK, max_tokens=4)
    assert v.get_vocabulary() == ["", "[UNK]", "We", "are"]
    v = Vocabulary.build(TALK, min_freq=2)
    assert v.get_vocabulary(False) == ["We", "are"]
    with pytest.raises(ValueError, match="max_tokens"):
        Vocabulary.build(TALK, max_tokens=2)  # no room for a single learned token
    with pytest.raises(ValueError, match="min_freq"):
        Vocabulary.build(TALK, min_freq=0)


def test_smaller_than_asked_is_a_warning_not_an_error() -> None:
    with pytest.warns(VocabularySizeWarning, match="only 5 distinct tokens"):
        v = Vocabulary.build(TALK, max_tokens=100)
    assert len(v) == 7
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Vocabulary.build(TALK, max_tokens=7)  # exactly enough: no warning


def test_reserved_tokens_in_the_corpus_are_not_learned() -> None:
    v = Vocabulary.build([["[UNK]", "", "x", "[UNK]"]])
    assert v.get_vocabulary() == ["", "[UNK]", "x"]


def test_constructor_checks() -> None:
    assert Vocabulary(["", "[UNK]", "a"]).get_vocabulary() == ["", "[UNK]", "a"]  # prefix accepted
    with pytest.raises(ValueError, match="duplicate"):
        Vocabulary(["a", "b", "a"])
    with pytest.raises(ValueError, match="reserved"):
        Vocabulary(["a", "[UNK]"])
    with pytest.raises(TypeError, match="str"):
        Vocabulary(["a", 3])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="differ"):
        Vocabulary(["a"], pad_token="x", oov_token="x")
    with pytest.raises(ValueError, match="counts"):
        Vocabulary(["a", "b"], counts=[1])


def test_build_errors() -> None:
    with pytest.raises(ValueError, match="empty corpus"):
        Vocabulary.build([[], []])
    with pytest.raises(TypeError, match="expected a list of token lists, got str 'some text'"):
        Vocabulary.build("some text")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="tokenize the text first"):
        Vocabulary.build(["some text"])  # type: ignore[list-item]


def test_save_load_round_trip_is_utf8_json(tmp_path: Path, nsmc_texts: list[str]) -> None:
    v = Vocabulary.build([t.split() for t in nsmc_texts], max_tokens=50)
    path = tmp_path / "vocab.json"
    v.save(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == "seqlab.Vocabulary" and "굳" in data["tokens"]
    assert "\\u" not in path.read_text(encoding="utf-8")  # Korean stays readable
    loaded = Vocabulary.load(path)
    assert loaded == v and loaded.counts == v.counts
    # saving again replaces the file atomically and leaves no temporary file
    Vocabulary.build(TALK).save(path)
    assert Vocabulary.load(path).get_vocabulary(False)[0] == "We"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vocab.json"]


def test_load_errors_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.json: not valid JSON"):
        Vocabulary.load(bad)
    bad.write_text(json.dumps({"tokens": ["a"]}), encoding="utf-8")
    with pytest.raises(ValueError, match="format"):
        Vocabulary.load(bad)
    doc = Vocabulary.build(TALK).to_dict()
    doc["tokens"] = ["a", "a"]
    bad.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(ValueError, match="bad.json: .*duplicate"):
        Vocabulary.load(bad)
    with pytest.raises(FileNotFoundError):
        Vocabulary.load(tmp_path / "missing.json")
