"""``seqlab w2v train | query | eval``."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from seqlab.cli.main import main
from seqlab.cli.w2v import format_expression, parse_expression
from seqlab.datasets import download
from seqlab.embeddings import KeyedVectors

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
LEE40 = FIXTURES / "lee_background_first40.cor"
GLOVE_SAMPLE = FIXTURES / "glove_6B_50d_sample.txt"
SHARED_DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
SHARED_GLOVE = "word2vec/glove.6B.50d.first2445.txt.gz"


@pytest.fixture
def royal_vectors(tmp_path) -> Path:
    words = {"man": [1, 0, 0], "woman": [0, 1, 0], "king": [1, 0, 1], "queen": [0, 1, 1],
             "apple": [0.2, 0.1, -1]}
    path = tmp_path / "royal.txt"
    KeyedVectors(np.array(list(words.values())), list(words)).save_word2vec_format(path)
    return path


@pytest.fixture
def no_data_folders(monkeypatch, tmp_path):
    """Data look-ups find nothing (not even ../shared/data)."""
    monkeypatch.setattr(download, "search_dirs", lambda: [tmp_path / "no-data"])


def _usage_error(capsys, argv: list[str]) -> str:
    """Run a command that must stop with a usage error; return its stderr."""
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "usage: seqlab w2v " + argv[1] in err  # the action's usage, not the top level's
    return err


def test_parse_and_format_expression():
    terms = [(1, "king"), (-1, "man"), (1, "woman")]
    assert parse_expression(["king", "-", "man", "+", "woman"]) == terms
    assert parse_expression(["king", "-man", "+woman"]) == terms
    assert parse_expression(["-", "man"]) == [(-1, "man")]
    assert format_expression(terms) == "king - man + woman"
    assert format_expression([(-1, "man"), (1, "king")]) == "- man + king"
    with pytest.raises(ValueError, match="at least one word"):
        parse_expression(["+", "-"])


# -------------------------------------------------------------------- train
def test_train_writes_loadable_vectors(tmp_path, capsys):
    out = tmp_path / "vectors.bin"
    code = main(["w2v", "train", str(LEE40), "-o", str(out), "--sg", "--size", "12",
                 "--min-count", "3", "--epochs", "1", "--quiet", "--seed", "2"])
    assert code == 0
    kv = KeyedVectors.load_word2vec_format(out, binary=True)
    assert kv.vector_size == 12 and kv.index_to_key[0] == "the"
    assert f"saved {out}" in capsys.readouterr().out


@pytest.mark.parametrize("where, message", [
    ("missing/vectors.bin", r"its directory '.*missing' does not exist"),
    (".", r"it is a directory"),
])
def test_train_checks_the_output_before_training(tmp_path, capsys, where, message):
    out = tmp_path / where
    err = _usage_error(capsys, ["w2v", "train", str(LEE40), "-o", str(out), "--min-count", "3",
                                "--epochs", "1"])
    assert "argument -o/--output: cannot write the vector file" in err
    assert re.search(message, err)
    assert not (tmp_path / "missing").exists()


def test_train_decodes_a_corpus_with_stray_bytes(tmp_path, capsys):
    corpus = tmp_path / "c.txt"
    corpus.write_bytes(b"a b \x96 a b\n" * 20)
    out = tmp_path / "v.txt"
    args = ["w2v", "train", str(corpus), "-o", str(out), "--size", "4", "--min-count", "1",
            "--epochs", "1", "--quiet"]
    assert main(args + ["--errors", "strict"]) == 1
    assert "line 1, byte offset 4" in capsys.readouterr().err
    assert not out.exists()
    assert main(args) == 0  # default backslashreplace
    assert "\\x96" in KeyedVectors.load_word2vec_format(out)


def test_seed_help_says_several_workers_do_not_repeat(capsys):
    with pytest.raises(SystemExit):
        main(["w2v", "train", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "same vectors only with --workers 1" in help_text


# -------------------------------------------------------------------- query
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


@pytest.mark.parametrize("argv", [
    ["king", "-man", "+woman"],
    ["king", "-man", "+woman", "--topn", "1"],
    ["--topn", "1", "king", "-man", "+woman"],
])
def test_query_reads_minus_words_without_double_dash(royal_vectors, capsys, argv):
    assert main(["w2v", "query", str(royal_vectors), *argv]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "king - man + woman  (cosine)"
    assert lines[1].split()[1] == "queen"


def test_query_with_korean_words(tmp_path, capsys):
    words = {"남자": [1, 0, 0], "여자": [0, 1, 0], "왕": [1, 0, 1], "여왕": [0, 1, 1],
             "사과": [0.2, 0.1, -1]}
    path = tmp_path / "ko.txt"
    KeyedVectors(np.array(list(words.values())), list(words)).save_word2vec_format(path)
    assert main(["w2v", "query", str(path), "왕", "-남자", "+여자", "--topn", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "왕 - 남자 + 여자  (cosine)"
    assert lines[1].split()[:2] == ["1", "여왕"] and len(lines) == 2


def test_query_with_a_missing_word_names_it(royal_vectors, capsys):
    assert main(["w2v", "query", str(royal_vectors), "king", "-emperor"]) == 1
    assert "not in the vocabulary: 'emperor'" in capsys.readouterr().err


def test_query_of_a_word_with_nan_values(tmp_path, capsys):
    path = tmp_path / "g.txt"
    path.write_text("a 1 0\nb 0.9 0.1\nbad nan 1\n", encoding="utf-8")
    with pytest.warns(UserWarning, match=r"1 values in 1 vectors .* word 'bad' at line 3"):
        assert main(["w2v", "query", str(path), "a", "-bad"]) == 1
    assert "the vector of 'bad' holds NaN or infinite values" in capsys.readouterr().err


def test_query_reads_the_glove_sample_with_its_stray_byte(capsys):
    assert main(["w2v", "query", str(GLOVE_SAMPLE), "king", "-man", "+woman", "--topn",
                 "1"]) == 0
    assert capsys.readouterr().out.splitlines()[1].split()[1] == "queen"
    assert main(["w2v", "query", str(GLOVE_SAMPLE), "\\x96", "--topn", "1"]) == 0
    assert main(["w2v", "query", str(GLOVE_SAMPLE), "king", "--errors", "strict"]) == 1
    assert "line 49, byte offset" in capsys.readouterr().err


def test_query_finds_a_file_in_the_data_folders(monkeypatch, tmp_path, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SEQLAB_DATA", str(FIXTURES))
    assert main(["w2v", "query", GLOVE_SAMPLE.name, "paris", "-france", "+italy"]) == 0
    assert capsys.readouterr().out.startswith("paris - france + italy")


def test_missing_input_file_lists_the_data_folders(no_data_folders, capsys):
    err = _usage_error(capsys, ["w2v", "query", "nowhere.txt", "king"])
    assert "argument vectors: file 'nowhere.txt' not found" in err
    assert "no-data" in err and "SEQLAB_DATA" in err


@pytest.mark.skipif(not (SHARED_DATA / SHARED_GLOVE).exists(),
                    reason="../shared/data/word2vec is not available")
def test_query_reads_the_real_glove_file(monkeypatch, tmp_path, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SEQLAB_DATA", str(SHARED_DATA))
    assert main(["w2v", "query", SHARED_GLOVE, "king", "-man", "+woman", "--topn", "3"]) == 0
    assert capsys.readouterr().out.splitlines()[1].split()[1] == "queen"


# ------------------------------------------------------------- usage errors
@pytest.mark.parametrize("option, value, expected", [
    ("--topn", "-5", "an integer >= 1"),
    ("--topn", "0", "an integer >= 1"),
    ("--topn", "ten", "an integer >= 1"),
])
def test_query_rejects_nonsense_numbers(royal_vectors, capsys, option, value, expected):
    err = _usage_error(capsys, ["w2v", "query", str(royal_vectors), "king", option, value])
    assert f"argument {option}: expected {expected}, got '{value}'" in err


@pytest.mark.parametrize("option, value, expected", [
    ("--size", "0", "an integer >= 1"),
    ("--window", "-1", "an integer >= 1"),
    ("--negative", "0", "an integer >= 1"),
    ("--min-count", "0", "an integer >= 1"),
    ("--epochs", "0", "an integer >= 1"),
    ("--workers", "0", "an integer >= 1"),
    ("--seed", "-1", "an integer >= 0"),
    ("--size", "1.5", "an integer >= 1"),
    ("--sample", "2", "a number in [0, 1]"),
    ("--sample", "nan", "a number in [0, 1]"),
    ("--alpha", "0", "a number in (0, 1]"),
    ("--alpha", "inf", "a number in (0, 1]"),
])
def test_train_rejects_nonsense_numbers(tmp_path, capsys, option, value, expected):
    err = _usage_error(capsys, ["w2v", "train", str(LEE40), "-o", str(tmp_path / "v.bin"),
                                option, value])
    assert f"argument {option}: expected {expected}, got '{value}'" in err
    assert not (tmp_path / "v.bin").exists()


def test_eval_rejects_a_nonsense_restrict(royal_vectors, capsys):
    err = _usage_error(capsys, ["w2v", "eval", str(royal_vectors), "--restrict", "0"])
    assert "argument --restrict: expected an integer >= 1, got '0'" in err


@pytest.mark.parametrize("action, extra", [
    ("query", ["king", "--bogus"]),
    ("eval", ["--bogus", "3"]),
    ("train", ["-o", "v.bin", "--bogus"]),
])
def test_unknown_arguments_show_the_actions_usage(royal_vectors, capsys, action, extra):
    err = _usage_error(capsys, ["w2v", action, str(royal_vectors), *extra])
    assert "unrecognized arguments: --bogus" in err
    assert "usage: seqlab [-h]" not in err


# --------------------------------------------------------------------- eval
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
    assert "note:" not in out  # half or more of the items were scored


def test_eval_says_when_most_items_were_left_out(royal_vectors, tmp_path, capsys):
    questions = tmp_path / "q.txt"
    questions.write_text(": royal\nman king woman queen\nman king woman prince\n"
                         "boy prince girl princess\n", encoding="utf-8")
    pairs = tmp_path / "p.tsv"
    pairs.write_text("king\tqueen\t8\nman\temperor\t1\ncat\tdog\t5\n", encoding="utf-8")
    unknown = tmp_path / "u.tsv"
    unknown.write_text("cat\tdog\t5\n", encoding="utf-8")
    assert main(["w2v", "eval", str(royal_vectors), "--questions", str(questions),
                 "--wordsim", str(pairs), "--simlex", str(unknown)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert ("note: 2 of 3 questions (67%) were left out, as they have a word outside the "
            "first 5 words of these vectors; the accuracy is measured on the other 1 only, "
            "which says little about the vectors.") in out
    assert "note: 2 of 3 WordSim-353 pairs (67%) were left out" in out
    assert "SimLex-999 - - 100.0%" in out
    assert ("note: all 1 of 1 SimLex-999 pairs (100%) have a word outside the first 5 words "
            "of these vectors: there is nothing to score.") in out


def test_eval_looks_up_the_evaluation_files(royal_vectors, tmp_path, monkeypatch, capsys):
    folder = tmp_path / "data" / "word2vec"
    folder.mkdir(parents=True)
    (folder / "wordsim353.tsv").write_text("king\tqueen\t8\nman\tapple\t1\nman\twoman\t5\n",
                                           encoding="utf-8")
    monkeypatch.setattr(download, "search_dirs", lambda: [tmp_path / "data"])
    assert main(["w2v", "eval", str(royal_vectors)]) == 0
    out = capsys.readouterr().out
    assert "WordSim-353" in out and "SimLex-999" not in out and "analogies" not in out


def test_eval_without_files_explains(royal_vectors, no_data_folders, capsys):
    err = _usage_error(capsys, ["w2v", "eval", str(royal_vectors)])
    assert "no evaluation files given or found" in err


@pytest.mark.parametrize("action", ["train", "query", "eval"])
def test_help(action, capsys):
    with pytest.raises(SystemExit) as info:
        main(["w2v", action, "--help"])
    assert info.value.code == 0
    assert "example: seqlab w2v" in capsys.readouterr().out
