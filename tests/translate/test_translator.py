"""Translator: translating, saving and loading, and the bad input it refuses."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from seqlab.translate import TextSide, Translator, TranslatorFileError


def test_the_trained_translator_learned_its_training_pairs(translator, kor_eng_pairs):
    sources = [s for s, _ in kor_eng_pairs[:10]]
    references = [t.lower() for _, t in kor_eng_pairs[:10]]
    exact = sum(h == r for h, r in zip(translator.translate(sources), references))
    assert exact >= 3, translator.translate(sources)


def test_save_and_load_give_the_same_translations(translator, kor_eng_pairs, tmp_path):
    sources = [s for s, _ in kor_eng_pairs[:6]]
    translator.save(tmp_path / "m.translator")
    loaded = Translator.load(tmp_path / "m.translator")
    assert loaded.translate(sources) == translator.translate(sources)
    assert loaded.translate(sources, beam=3) == translator.translate(sources, beam=3)
    assert loaded.source.fingerprint == translator.source.fingerprint
    translator.save(tmp_path / "m.translator")  # replaces the folder
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.translator"]


def test_save_does_not_replace_a_folder_that_is_not_a_translator(translator, tmp_path):
    (tmp_path / "keep").mkdir()
    (tmp_path / "keep" / "notes.txt").write_text("mine")
    with pytest.raises(FileExistsError, match="not a translator folder"):
        translator.save(tmp_path / "keep")
    assert (tmp_path / "keep" / "notes.txt").read_text() == "mine"


def test_a_source_vocabulary_of_another_model_is_refused_with_the_expected_one(
        translator, tmp_path):
    translator.save(tmp_path / "m.translator")
    other = TextSide.build("char", ["전혀 다른 문장들"], max_length=30)
    (tmp_path / "m.translator" / "source.json").write_text(json.dumps(other.to_dict()))
    expected = translator.source.fingerprint
    with pytest.raises(TranslatorFileError, match=f"expects the source vocabulary of "
                                                  f"fingerprint {expected}"):
        Translator.load(tmp_path / "m.translator")


def test_a_model_file_of_another_translator_is_refused(translator, tmp_path):
    translator.save(tmp_path / "a")
    translator.save(tmp_path / "b")
    weights = translator.model.get_weights()
    translator.model.set_weights([w + 0.5 for w in weights])
    try:
        translator.save(tmp_path / "b")
    finally:
        translator.model.set_weights(weights)
    shutil.copy(tmp_path / "b" / "model.seqlab", tmp_path / "a" / "model.seqlab")
    with pytest.raises(TranslatorFileError, match="not the model saved with these vocabularies"):
        Translator.load(tmp_path / "a")


def test_a_vocabulary_of_the_wrong_size_is_refused_when_pairing(translator):
    small = TextSide.build("char", ["가나"], max_length=30)
    with pytest.raises(ValueError, match=rf"source embedding takes {len(translator.source)} "
                                         rf"token ids, but the source vocabulary has {len(small)}"):
        Translator(translator.model, small, translator.target)


def test_unknown_source_tokens_map_to_oov(translator):
    assert translator.source_ids("가ʬ") == [translator.source.vocabulary["가"], 1]
    assert isinstance(translator.translate("ʬʬʬ")[0], str)


def test_an_empty_source_gives_the_empty_translation(translator):
    hypothesis = translator.hypotheses([""], beam=3)[0]
    assert hypothesis.tokens == (translator.target.end_id,)
    assert translator.translate(["", "가"])[0] == ""


def test_a_source_longer_than_the_maximum_is_refused_with_both_counts(translator):
    with pytest.raises(ValueError, match="the source has 31 char tokens; this model takes at "
                                         r"most 30 \(refused, not cut\)"):
        translator.translate("가" * 31)
    assert isinstance(translator.translate("가" * 30)[0], str)


def test_a_folder_that_is_not_a_translator_is_named(tmp_path):
    with pytest.raises(TranslatorFileError, match="is not a translator folder"):
        Translator.load(tmp_path)


def test_translations_are_deterministic(translator, kor_eng_pairs):
    sources = [s for s, _ in kor_eng_pairs[:5]]
    first = translator.hypotheses(sources, beam=3)
    again = translator.hypotheses(sources, beam=3)
    assert [h.tokens for h in first] == [h.tokens for h in again]
    assert np.allclose([h.log_prob for h in first], [h.log_prob for h in again])
