"""The sequence shapes' data: space tags, spelled numbers, character windows, multi-hot
reviews, each against hand-made examples and on the committed fixtures."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from seqlab.experiments import ConfigError
from seqlab.experiments.data import prepare
from seqlab.experiments.evaluations import restore_spaces
from seqlab.experiments.numbers import MAX_WORDS, WORDS, digits_vector, spell
from seqlab.experiments.seqdata import char_windows, space_tags

FIXTURE_DATA = Path(__file__).resolve().parents[1] / "fixtures" / "data"


@pytest.fixture
def fixture_data(monkeypatch):
    monkeypatch.setenv("SEQLAB_DATA", str(FIXTURE_DATA))


# ------------------------------------------------------------ word spacing
def test_space_tags_mark_the_syllable_before_each_space():
    assert space_tags("나는 간다") == ("나는간다", pytest.approx(np.array([0, 1, 0, 0])))
    syllables, tags = space_tags("아 진짜 좋다!")
    assert syllables == "아진짜좋다!" and tags.tolist() == [1, 0, 1, 0, 0, 0]
    assert space_tags("띄어쓰기없음")[1].tolist() == [0] * 6


@pytest.mark.parametrize("sentence", ["나는 간다", "굳 ㅋ", "아 진짜 좋다 !", "하..그때 돈주고 안보길"])
def test_restoring_the_true_tags_gives_the_sentence_back(sentence):
    assert restore_spaces(*space_tags(sentence)) == sentence


def test_a_tag_on_the_last_syllable_adds_no_trailing_space():
    assert restore_spaces("가나", np.array([1, 1])) == "가 나"


def test_korean_spacing_data_tags_every_fixture_sentence(fixture_data):
    data = prepare({"dataset": "korean_spacing", "maxlen": 40, "min_count": 1,
                    "test_fraction": 0.2, "validation_fraction": 0.1, "batch_size": 4}, seed=3)
    x_test, y_test = data.extras["tagged"]
    assert x_test.shape[1:] == (40,) and y_test.shape == (*x_test.shape, 1)
    assert data.info["held_out"] == len(x_test) == len(data.extras["held_out"]) >= 1
    vocabulary = data.extras["vocabulary"]
    assert vocabulary[:2] == ["", "[UNK]"] and data.vocabulary_size == len(vocabulary)
    assert " " not in "".join(vocabulary)
    for row, syllables in enumerate(data.extras["held_out"]):
        n = min(len(syllables), 40)
        known = [vocabulary[i] if i > 1 else None for i in x_test[row, :n]]
        assert all(k is None or k == c for k, c in zip(known, syllables))
        assert np.all(x_test[row, n:] == 0) and np.all(y_test[row, n:] == 0)
        assert restore_spaces(syllables[:n], y_test[row, :n, 0]).replace(" ", "") == \
            syllables[:n]


def test_korean_spacing_batches_hold_sentences_of_similar_length(fixture_data):
    data = prepare({"dataset": "korean_spacing", "maxlen": 40, "min_count": 1,
                    "batch_size": 4}, seed=3)
    train = data.train_x
    batches = [train[i] for i in range(len(train))]
    assert sum(len(x) for x, _ in batches) == data.info["train"]
    longest = [int(np.count_nonzero(x, axis=1).max()) for x, _ in batches]
    assert longest == sorted(longest)  # ordered by length
    for (x, y), steps in zip(batches, longest):
        assert x.shape == (len(x), steps) and y.shape == (len(x), steps, 1)
        assert np.all(y[x == 0] == 0)  # padding is never tagged
    x_all = np.concatenate([np.pad(x, ((0, 0), (0, 40 - x.shape[1]))) for x, _ in batches])
    assert sorted(map(tuple, x_all)) == sorted(map(tuple, train.x))  # each sentence once
    assert len(data.validation) >= 1 and len(data.test[0]) >= 1


def test_korean_spacing_shuffles_by_seed_and_refuses_unknown_sources(fixture_data):
    spec = {"dataset": "korean_spacing", "maxlen": 30, "min_count": 1}
    first = prepare(spec, seed=1).extras["held_out"]
    assert prepare(spec, seed=1).extras["held_out"] == first
    with pytest.raises(ConfigError, match="unknown spacing source 'wiki'"):
        prepare({**spec, "sources": ["wiki"]})


# ------------------------------------------------------------ spelled numbers
@pytest.mark.parametrize("n, words", [
    (0, "zero"), (7, "seven"), (13, "thirteen"), (40, "forty"), (99, "ninety nine"),
    (100, "one hundred"), (2014, "two thousand fourteen"), (3001, "three thousand one"),
    (7305, "seven thousand three hundred five"), (9999, "nine thousand nine hundred ninety nine"),
])
def test_spell_writes_numbers_as_american_english_words(n, words):
    assert " ".join(spell(n)) == words


def test_every_spelling_fits_the_vocabulary_and_the_step_count():
    lengths = [len(spell(n)) for n in range(10000)]
    assert max(lengths) == MAX_WORDS
    assert {w for n in range(10000) for w in spell(n)} == set(WORDS[3:])


@pytest.mark.parametrize("bad", [-1, 10000, 3.0, True, "12"])
def test_spell_refuses_what_is_not_an_int_from_0_to_9999(bad):
    with pytest.raises(ValueError, match="expected an int from 0 to 9999"):
        spell(bad)


def test_digits_vector_is_four_one_hot_digits():
    v = digits_vector(np.array([7305, 42]))
    assert v.shape == (2, 40) and np.all(v.reshape(2, 4, 10).sum(axis=2) == 1)
    assert v.reshape(2, 4, 10).argmax(axis=2).tolist() == [[7, 3, 0, 5], [0, 0, 4, 2]]


def test_spelled_numbers_teacher_forcing_and_disjoint_splits():
    data = prepare({"dataset": "spelled_numbers", "validation": 100, "test": 50}, seed=2)
    (vectors, decoder_in), target = data.train_x, data.train_y
    assert vectors.shape == (9850, 40) and decoder_in.shape == target.shape == (9850, 7)
    assert np.all(decoder_in[:, 0] == WORDS.index("<start>"))
    assert np.all(decoder_in[:, 1:] == np.where(target[:, :-1] == 2, 0, target[:, :-1]))
    numbers = [int("".join(map(str, v.reshape(4, 10).argmax(axis=1)))) for v in vectors[:20]]
    for number, row in zip(numbers, target[:20]):
        assert [WORDS[i] for i in row if i > 2] == spell(number) and 2 in row
    test_numbers = set(data.extras["test_numbers"].tolist())
    (val_vectors, _), _ = data.validation
    assert len(test_numbers) == 50 and len(val_vectors) == 100
    assert len(set(numbers) & test_numbers) == 0
    with pytest.raises(ConfigError, match="validation \\+ test < 10000"):
        prepare({"dataset": "spelled_numbers", "validation": 5000, "test": 5000})


# ------------------------------------------------------------ characters
def test_char_windows_target_the_next_character():
    ids = np.arange(23)
    x, y = char_windows(ids, 5)
    assert x.shape == y.shape == (4, 5)
    assert x[1].tolist() == [5, 6, 7, 8, 9] and y[1].tolist() == [6, 7, 8, 9, 10]
    with pytest.raises(ConfigError, match="cannot make one window"):
        char_windows(np.arange(5), 5)


def test_tiny_shakespeare_splits_by_position(fixture_data):
    data = prepare({"dataset": "tinyshakespeare", "seq_len": 20, "split": 0.9})
    chars, text = data.extras["characters"], data.extras["validation_text"]
    assert chars == sorted(chars) and data.vocabulary_size == len(chars)
    x_val, _ = data.validation
    assert "".join(chars[i] for i in x_val[0]) == text[:20]
    assert data.info["train_windows"] == len(data.train_x) > len(x_val)
    with pytest.raises(ConfigError, match="strictly between 0 and 1"):
        prepare({"dataset": "tinyshakespeare", "split": 1.0})


# ------------------------------------------------------------ one vector
def test_imdb_multi_hot_marks_the_ids_of_each_review(fixture_data):
    from seqlab.datasets import imdb

    data = prepare({"dataset": "imdb", "num_words": 100, "multi_hot": True, "limit": 4})
    (reviews, _), _ = imdb.load_data(num_words=100)
    assert data.train_x.shape == (4, 100) and data.input_shape == (100,)
    for row, ids in zip(data.train_x, reviews[:4]):
        assert set(np.flatnonzero(row).tolist()) == set(ids)
