"""``seqlab w2v train | query | eval``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from seqlab.cli.main import main
from seqlab.cli.w2v import parse_expression
from seqlab.embeddings import KeyedVectors

LEE40 = Path(__file__).resolve().parents[1] / "fixtures" / "lee_background_first40.cor"


@pytest.fixture
def royal_vectors(tmp_path) -> Path:
    words = {"man": [1, 0, 0], "woman": [0, 1, 0], "king": [1, 0, 1], "queen": [0, 1, 1],
             "apple": [0.2, 0.1, -1]}
    path = tmp_path / "royal.txt"
    KeyedVectors(np.array(list(words.values())), list(words)).save_word2vec_format(path)
    return path


def test_parse_expression():
    assert parse_expression(["king", "-", "man", "+", "woman"]) == (["king", "woman"], ["man"])
    assert parse_expression(["king", "-man", "+woman"]) == (["king", "woman"], ["man"])
    assert parse_expression(["-", "man"]) == ([], ["man"])
    with pytest.raises(ValueError, match="at least one word"):
        parse_expression(["+", "-"])


def test_train_writes_loadable_vectors(tmp_path, capsys):
    out = tmp_path / "vectors.bin"
    code = main(["w2v", "train", str(LEE40), "-o", str(out), "--sg", "--size", "12",
                 "--min-count", "3", "--epochs", "1", "--quiet", "--seed", "2"])
    assert code == 0
    kv = KeyedVectors.load_word2vec_format(out, binary=True)
    assert kv.vector_size == 12 and kv.index_to_key[0] == "the"
    assert f"saved {out}" in capsys.readouterr().out


def test_query_prints_ranked_neighbours(royal_vectors, capsys):
    assert main(["w2v", "query", str(royal_vectors), "king", "-", "man", "+", "woman",
                 "--topn", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("king - man + woman")
    assert lines[1].split()[:2] == ["1", "queen"]
    assert len(lines) == 3
    assert main(["w2v", "query", str(royal_vectors), "--cosmul", "--", "king", "-man",
                 "+woman"]) == 0
    assert capsys.readouterr().out.splitlines()[1].split()[1] == "queen"


def test_query_with_a_missing_word_names_it(royal_vectors, capsys):
    assert main(["w2v", "query", str(royal_vectors), "king", "-", "emperor"]) == 1
    assert "not in the vocabulary: 'emperor'" in capsys.readouterr().err


def test_eval_prints_analogy_and_pair_tables(royal_vectors, tmp_path, capsys):
    questions = tmp_path / "q.txt"
    questions.write_text(": royal\nman king woman queen\nman king woman prince\n",
                         encoding="utf-8")
    pairs = tmp_path / "p.tsv"
    pairs.write_text("king\tqueen\t8\nman\tapple\t1\nman\twoman\t5\n", encoding="utf-8")
    assert main(["w2v", "eval", str(royal_vectors), "--questions", str(questions),
                 "--wordsim", str(pairs)]) == 0
    out = capsys.readouterr().out
    royal = next(line for line in out.splitlines() if line.startswith("royal"))
    assert royal.split() == ["royal", "1", "1", "1", "100.0%"]
    wordsim = next(line for line in out.splitlines() if line.startswith("WordSim-353"))
    assert wordsim.split()[-1] == "0.0%"


def test_eval_without_files_explains(royal_vectors, capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SEQLAB_DATA", str(tmp_path / "nothing"))
    assert main(["w2v", "eval", str(royal_vectors)]) == 1
    assert "no evaluation files given or found" in capsys.readouterr().err


@pytest.mark.parametrize("action", ["train", "query", "eval"])
def test_help(action, capsys):
    with pytest.raises(SystemExit) as info:
        main(["w2v", action, "--help"])
    assert info.value.code == 0
    assert "example: seqlab w2v" in capsys.readouterr().out
