"""Analogy and word-pair evaluation, Spearman/Pearson, checked by hand and
against gensim/scipy where installed."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from seqlab.embeddings import (
    KeyedVectors,
    Word2Vec,
    pearson,
    rankdata,
    read_word_pairs,
    spearman,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SHARED_W2V = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "word2vec"

# gender on axis 0/1, royalty on axis 2, fruit on axis 3 (vocabulary order = row order)
WORDS = {
    "man": [1, 0, 0, 0],
    "woman": [0, 1, 0, 0],
    "king": [1, 0, 1, 0],
    "apple": [0, 0, 0, 1],
    "queen": [0, 1, 1, 0],
    "car": [0.1, 0, 0, -1],
}

QUESTIONS = """\
: family
man king woman queen
MAN KING WOMAN QUEEN
king man queen woman
man king woman apple
man king woman prince
this line has five words
: other
apple car man woman
"""


@pytest.fixture
def kv() -> KeyedVectors:
    return KeyedVectors(np.array(list(WORDS.values()), dtype=np.float32), list(WORDS))


@pytest.fixture
def questions(tmp_path) -> Path:
    path = tmp_path / "questions.txt"
    path.write_text(QUESTIONS, encoding="utf-8")
    return path


def test_rankdata_averages_ties():
    np.testing.assert_array_equal(rankdata([10, 20, 20, 5]), [2, 3.5, 3.5, 1])
    np.testing.assert_array_equal(rankdata([3, 3, 3]), [2, 2, 2])


def test_spearman_hand_computed():
    # ranks x: 1..5; y = [5, 6, 7, 8, 7] -> [1, 2, 3.5, 5, 3.5]
    # Σ dx·dy = 8, Σ dx² = 10, Σ dy² = 9.5  ->  ρ = 8 / sqrt(95)
    rho, p = spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])
    assert rho == pytest.approx(8 / math.sqrt(95), rel=1e-12)
    assert 0 < p < 1


def test_correlation_edge_cases():
    assert pearson([1, 2, 3], [2, 4, 6]) == (pytest.approx(1.0), 0.0)
    r, p = pearson([1, 2, 3, 4], [1, -1, -1, 1])
    assert r == pytest.approx(0.0, abs=1e-15) and p == pytest.approx(1.0)
    assert all(math.isnan(v) for v in pearson([1, 1, 1], [1, 2, 3]))
    with pytest.raises(ValueError, match="same length"):
        pearson([1, 2], [1, 2, 3])


def test_pvalues_match_scipy():
    stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(3)
    x = rng.normal(size=40)
    y = 0.3 * x + rng.normal(size=40)
    y[5] = y[6]  # a tie
    ours_p, ours_s = pearson(x, y), spearman(x, y)
    ref_p, ref_s = stats.pearsonr(x, y), stats.spearmanr(x, y)
    assert ours_p.statistic == pytest.approx(ref_p[0], rel=1e-10)
    assert ours_p.pvalue == pytest.approx(ref_p[1], rel=1e-7)
    assert ours_s.statistic == pytest.approx(ref_s[0], rel=1e-10)
    assert ours_s.pvalue == pytest.approx(ref_s[1], rel=1e-7)


def test_analogies_counted_by_hand(kv, questions):
    score, sections = kv.evaluate_word_analogies(questions)
    family, other, total = sections
    assert family["section"] == "family" and total["section"] == "Total accuracy"
    assert family["correct"] == [("MAN", "KING", "WOMAN", "QUEEN")] * 2 + [
        ("KING", "MAN", "QUEEN", "WOMAN")]
    assert family["incorrect"] == [("MAN", "KING", "WOMAN", "APPLE")]  # queen wins
    assert family["skipped"] == 1  # prince is not in the vocabulary
    # car + man - apple points at king (woman is orthogonal to it)
    assert other["correct"] == [] and other["incorrect"] == [("APPLE", "CAR", "MAN", "WOMAN")]
    assert len(total["correct"]) == 3 and len(total["incorrect"]) == 2
    assert total["skipped"] == 1
    assert score == pytest.approx(3 / 5)


def test_analogies_restricted_vocabulary(kv, questions):
    # only man, woman, king, apple: questions with queen or car are skipped, and
    # "man king woman apple" becomes right (apple is the only candidate left)
    score, sections = kv.evaluate_word_analogies(questions, restrict_vocab=4)
    family, other, total = sections
    assert family["correct"] == [("MAN", "KING", "WOMAN", "APPLE")]
    assert family["incorrect"] == [] and family["skipped"] == 4
    assert other["skipped"] == 1 and total["skipped"] == 5
    assert score == 1.0


def test_analogies_case_and_dummy4unknown(kv, questions):
    _, sections = kv.evaluate_word_analogies(questions, case_insensitive=False)
    assert sections[0]["skipped"] == 2  # the upper-case line no longer matches
    score, sections = kv.evaluate_word_analogies(questions, dummy4unknown=True)
    assert ("MAN", "KING", "WOMAN", "PRINCE") in sections[0]["incorrect"]
    assert sections[-1]["skipped"] == 0 and score == pytest.approx(3 / 6)


def test_case_insensitive_uses_the_most_frequent_variant(tmp_path):
    keys = list(WORDS) + ["Queen"]
    vectors = np.array(list(WORDS.values()) + [[0, 0, 0, 1]], dtype=np.float32)
    kv = KeyedVectors(vectors, keys)
    path = tmp_path / "q.txt"
    path.write_text(": s\nman king woman queen\n", encoding="utf-8")
    _, sections = kv.evaluate_word_analogies(path)
    assert len(sections[0]["correct"]) == 1  # QUEEN -> row of "queen", not "Queen"


def test_analogy_file_errors(kv, tmp_path):
    path = tmp_path / "q.txt"
    path.write_text("man king woman queen\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 1: a question comes before any ': section'"):
        kv.evaluate_word_analogies(path)
    path.write_bytes(b": s\nman king \xff queen\n")
    with pytest.raises(ValueError, match="line 2, byte offset 13: not valid UTF-8"):
        kv.evaluate_word_analogies(path)
    with pytest.raises(FileNotFoundError, match="analogy file not found"):
        kv.evaluate_word_analogies(tmp_path / "none.txt")


def test_word_pairs_by_hand(kv, tmp_path):
    path = tmp_path / "pairs.tsv"
    path.write_text("# a comment\nking\tqueen\t8\nman\twoman\t5\napple\tcar\t1\n"
                    "king\tprince\t3\nnot a pair\n", encoding="utf-8")
    result = kv.evaluate_word_pairs(path)
    cosines = [kv.similarity("king", "queen"), kv.similarity("man", "woman"),
               kv.similarity("apple", "car")]
    assert cosines[0] > cosines[1] > cosines[2]  # same order as the gold scores
    assert result.spearman.statistic == pytest.approx(1.0)
    assert result.pearson.statistic == pytest.approx(np.corrcoef([8, 5, 1], cosines)[0, 1])
    assert result.oov_ratio == pytest.approx(25.0)
    _pearson, _spearman, oov = result  # unpacks like gensim's tuple
    assert oov == result.oov_ratio
    path.write_text("king\tprince\t3\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no usable word pairs: 1 pairs"):
        kv.evaluate_word_pairs(path)


def test_read_word_pairs_keeps_rows_of_two_words_and_a_score(tmp_path):
    path = tmp_path / "pairs.tsv"
    path.write_text("# word1\tword2\tscore\n\nTiger\tcat\t7.35\nking\tqueen\n"
                    "a\tb\tnot-a-score\n왕\t여왕\t8\n", encoding="utf-8")
    assert read_word_pairs(path) == [("Tiger", "cat", 7.35), ("왕", "여왕", 8.0)]
    assert read_word_pairs(path, delimiter=" ") == []


@pytest.fixture(scope="module")
def lee_model() -> Word2Vec:
    corpus = FIXTURES / "lee_background_first40.cor"
    return Word2Vec(corpus_file=corpus, vector_size=24, min_count=3, epochs=3, seed=5)


def _gensim_kv(kv: KeyedVectors):
    gensim_models = pytest.importorskip("gensim.models")
    g = gensim_models.KeyedVectors(kv.vector_size)
    g.add_vectors(kv.index_to_key, kv.vectors)
    return g


def test_analogies_agree_with_gensim(lee_model, tmp_path):
    kv = lee_model.wv
    g = _gensim_kv(kv)
    rng = np.random.default_rng(0)
    words = kv.index_to_key[:120] + ["notaword"]
    lines = []
    for section in range(3):
        lines.append(f": section{section}")
        for _ in range(60):
            quad = rng.choice(len(words), size=4)
            lines.append(" ".join(words[i] for i in quad))
    path = tmp_path / "q.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for restrict in (300000, 80):
        ours, our_sections = kv.evaluate_word_analogies(path, restrict_vocab=restrict)
        theirs, their_sections = g.evaluate_word_analogies(path, restrict_vocab=restrict)
        assert ours == pytest.approx(theirs)
        for mine, ref in zip(our_sections, their_sections):
            assert mine["section"] == ref["section"]
            assert mine["correct"] == ref["correct"]
            assert mine["incorrect"] == ref["incorrect"]


def test_word_pairs_agree_with_gensim(lee_model, tmp_path):
    kv = lee_model.wv
    g = _gensim_kv(kv)
    rng = np.random.default_rng(1)
    words = kv.index_to_key[:150] + ["notaword"]
    lines = ["# word1\tword2\tscore"] + [
        f"{words[a]}\t{words[b]}\t{rng.uniform(0, 10):.2f}"
        for a, b in rng.choice(len(words), size=(80, 2))]
    path = tmp_path / "pairs.tsv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ours = kv.evaluate_word_pairs(path)
    theirs = g.evaluate_word_pairs(path)
    assert ours.pearson.statistic == pytest.approx(theirs[0][0], abs=1e-6)
    assert ours.spearman.statistic == pytest.approx(theirs[1][0], abs=1e-6)
    assert ours.spearman.pvalue == pytest.approx(theirs[1][1], rel=1e-4)
    assert ours.oov_ratio == pytest.approx(theirs[2])


@pytest.mark.skipif(not (SHARED_W2V / "questions-words.txt").exists(),
                    reason="../shared/data/word2vec is not available")
def test_real_evaluation_files_parse(lee_model):
    kv = lee_model.wv
    _score, sections = kv.evaluate_word_analogies(SHARED_W2V / "questions-words.txt")
    assert [s["section"] for s in sections][:2] == ["capital-common-countries", "capital-world"]
    assert len(sections) == 15
    total = sections[-1]
    asked = len(total["correct"]) + len(total["incorrect"])
    assert asked + total["skipped"] == 19544
    for name in ("wordsim353.tsv", "simlex999.txt"):
        result = kv.evaluate_word_pairs(SHARED_W2V / name)
        assert 0 < result.oov_ratio < 100
