"""The talk's worked example: its printed numbers, BPTT, the engine, training."""

from __future__ import annotations

import itertools
import math
import re
from pathlib import Path

import numpy as np
import pytest

from seqlab.config import use_kernels
from seqlab.layers.rnn_cells import SimpleRNN
from seqlab.talk import seed, seed_check
from seqlab.testing.gradcheck import compare, numerical_gradient

SEED_FILE = (Path(__file__).resolve().parents[2] / ".." / "shared" / "seed"
             / "000_9ec63dd4e46c4027.txt")

# A copy of the talk's loop tables as printed in its text (tab-separated).
TALK_COPY = """
첫번째 루프
state(S)\tW * X(I)\tU * S\tWX + US + B\ttanh(WX+US+B) (O)\tsoftmax(O[0])
0\t0.5344613383\t0\t1.174211994\t0.8256177525\t0.3509740057 난
0\t0.005400196945\t0\t0.9534825\t0.7413555946\t0.3226118845 널
0\t0.3359488417\t0\t0.9800150977\t0.7530724405\t0.3264141098 사랑해
두번째 루프
state(S)\tW * X(I)\tU * S\tWX + US + B\ttanh(WX+US+B) (O)\tsoftmax(O[0])
0.8256177525\t0.5344613383\t0.8393906351\t2.013602629\t0.9649761201\t0.3305215335 난
0.7413555946\t0.005400196945\t1.306385235\t2.259867735\t0.9784509017\t0.3350053806 널
0.7530724405\t0.3359488417\t1.243851871\t2.223866968\t0.9768607239\t0.3344730858 사랑해
세번째 루프
state(S)\tW * X(I)\tU * S\tWX + US + B\ttanh(WX+US+B) (O)\tsoftmax(O[0])
0.9649761201\t0.5344613383\t1.086107428\t2.260319422\t0.9784701503\t0.3311340611 난
0.9784509017\t0.005400196945\t1.61490504\t2.56838754\t0.988315444\t0.3344102744 널
0.9768607239\t0.3359488417\t1.594248334\t2.574263432\t0.9884511664\t0.3344556645 사랑해
"""

TALK_HEADERS = ["state(S)", "W * X(I)", "U * S", "WX + US + B", "tanh(WX+US+B) (O)",
                "softmax(O)"]


def parse_copy(text: str) -> list[np.ndarray]:
    """The 3 tables as (3, 6) float arrays, read line by line (independent of seed_check)."""
    tables, rows = [], []
    for line in text.strip().splitlines():
        nums = re.findall(r"(?<![\w.])-?\d+(?:\.\d+)?(?![\w.])", line)
        if len(nums) == 6:
            rows.append([float(n) for n in nums])
            if len(rows) == 3:
                tables.append(np.array(rows))
                rows = []
    return tables


def unit_10th_digit(x: float) -> float:
    return 0.0 if x == 0 else 10.0 ** (math.floor(math.log10(abs(x))) - 9)


def computed_tables() -> list[np.ndarray]:
    """Our numbers for the talk's run, read from the rendered Tables (the cells shown)."""
    out = []
    for table in seed.run_loops(["I", "I", "I"]):
        out.append(np.array([[float(c) for c in row[:6]] for row in table.rows]))
    return out


# ------------------------------------------------------------ the talk's numbers
def test_every_printed_number_is_reproduced_to_10_significant_digits():
    expected = parse_copy(TALK_COPY)
    ours = computed_tables()
    assert len(expected) == 3
    exact = 0
    for e, o in zip(expected, ours):
        for talk, mine in zip(e.ravel(), o.ravel()):
            # within one unit of the 10th significant digit ...
            assert abs(mine - talk) <= unit_10th_digit(talk) * (1 + 1e-9), (mine, talk)
            exact += float(f"{mine:.10g}") == talk
    # ... and digit for digit for all but the two numbers the weights' rounding moves
    assert exact >= 52


def test_the_last_digit_differences_are_explained_by_the_printed_weights_rounding():
    printed = seed_check.parse_talk_tables(TALK_COPY)
    checks = seed_check.compare_with_talk(printed)
    assert len(checks) == 54
    assert all(c.within_bound for c in checks)
    differing = [c for c in checks if not c.digit_for_digit]
    assert len(differing) <= 2
    for c in differing:
        assert c.difference <= unit_10th_digit(float(c.talk))
    summary = seed_check.summary(checks)
    assert summary[0].startswith(f"compared with the talk's printed tables: "
                                 f"{54 - len(differing)} of 54")


def test_the_library_copy_of_the_talk_tables_matches_this_copy():
    assert seed_check.parse_talk_tables(seed_check.TALK_TABLES) == \
        seed_check.parse_talk_tables(TALK_COPY)


@pytest.mark.skipif(not SEED_FILE.exists(), reason="../shared/seed is not present")
def test_seed_file_tables_match_the_copy_and_are_reproduced():
    text = SEED_FILE.read_text(encoding="utf-8")
    from_file = seed_check.parse_talk_tables(text)
    assert from_file == seed_check.parse_talk_tables(TALK_COPY)
    assert all(c.within_bound for c in seed_check.compare_with_talk(from_file))


@pytest.mark.skipif(not SEED_FILE.exists(), reason="../shared/seed is not present")
def test_weights_are_the_ones_printed_in_the_seed_file():
    lines = SEED_FILE.read_text(encoding="utf-8").splitlines()

    def block(title: str, n_cols: int) -> np.ndarray:
        start = next(i for i, ln in enumerate(lines) if ln.strip().startswith(title))
        rows = []
        for ln in lines[start + 1:start + 4]:
            nums = [c for c in ln.split("\t") if re.fullmatch(r"-?\d+\.\d+", c.strip())]
            rows.append([float(c) for c in nums])
        return np.array(rows).reshape(3, n_cols)

    w = seed.seed_example()
    np.testing.assert_array_equal(w.W, block("weight(W)", 4))
    np.testing.assert_array_equal(w.U, block("state weight(U)", 3))
    np.testing.assert_array_equal(w.B, block("bias(B)", 1)[:, 0])


def test_copy_of_the_talk_weights_is_fresh_every_time():
    a = seed.seed_example()
    a.W[0, 0] = 99.0
    assert seed.seed_example().W[0, 0] == 0.5344613383


# ----------------------------------------------------------------- the tables
def test_loop_tables_use_the_talks_column_headers_and_say_x_i_is_fed_every_step():
    tables = seed.talk_run()
    loops, result = tables[:3], tables[3]
    for t, table in enumerate(loops):
        assert table.columns[:6] == TALK_HEADERS
        assert table.title.startswith(seed.LOOP_NAMES[t])
    assert any("EVERY step" in n for n in loops[0].notes)
    assert result.rows[0][1:] == ["I", "I", "I"]


def test_output_is_the_next_state_and_softmax_sums_to_one():
    steps = seed.forward(seed.seed_example(), ["I", "love", "you"])
    np.testing.assert_array_equal(steps[0].state, np.zeros(3))
    for prev, cur in itertools.pairwise(steps):
        np.testing.assert_array_equal(cur.state, prev.o)
    for s in steps:
        np.testing.assert_allclose(s.a, s.wx + s.us + seed.seed_example().B, rtol=0, atol=0)
        assert abs(s.p.sum() - 1) < 1e-15
        assert np.all(s.o == np.tanh(s.a))


def test_real_inputs_untrained_do_not_translate():
    w = seed.seed_example()
    preds = seed.predict(w, seed.SENTENCE)
    assert preds != list(seed.TRANSLATION)
    steps = seed.forward(w, seed.SENTENCE)
    assert preds == [seed.OUTPUT_WORDS[int(np.argmax(s.p))] for s in steps]
    tables = seed.real_run(w)
    assert [t.columns[1] for t in tables[:3]] == ["W * X(I)", "W * X(love)", "W * X(you)"]
    assert tables[3].rows[2][1:] == preds and tables[3].notes == ["actual ≠ target"]


# -------------------------------------------------------------------- BPTT
@pytest.mark.parametrize("words", [["I", "love", "you"], ["her", "I", "you", "love"]])
def test_bptt_gradients_match_finite_differences(words):
    w = seed.seed_example()
    rng = np.random.default_rng(3)
    targets = [seed.OUTPUT_WORDS[k] for k in rng.integers(0, 3, len(words))]
    _, grads = seed.loss_and_grads(w, words, targets)

    def f() -> float:
        return seed.loss(seed.forward(w, words), targets)

    for name in ("W", "U", "B"):
        compare(f"d{name}", getattr(grads, f"d{name}"), numerical_gradient(f, getattr(w, name)))


def test_initial_state_gradient_matches_finite_differences():
    w = seed.seed_example()
    s0 = np.array([0.3, -0.2, 0.5])
    steps = seed.forward(w, seed.SENTENCE, s0)
    grads = seed.backward(w, steps, seed.TRANSLATION)
    num = numerical_gradient(lambda: seed.loss(seed.forward(w, seed.SENTENCE, s0),
                                               seed.TRANSLATION), s0)
    compare("dS0", grads.dS0, num)


@pytest.mark.parametrize("kernels", ["numpy", "numba"])
def test_equals_seqlab_simple_rnn_in_keras_layout(kernels):
    with use_kernels(kernels):
        diffs = seed.engine_check()
        rng = np.random.default_rng(0)
        other = seed.SeedWeights(rng.normal(size=(3, 4)), rng.normal(size=(3, 3)),
                                 rng.normal(size=3))
        diffs_random = seed.engine_check(other, ["you", "her", "I", "I"], ["널", "난", "널", "사랑해"])
    for d in (diffs, diffs_random):
        assert set(d) == {"O", "dW", "dU", "dB", "dX"}
        assert max(d.values()) < 1e-12, d


def test_engine_layer_built_by_hand_gives_the_talk_outputs():
    w = seed.seed_example()
    layer = SimpleRNN(3, return_sequences=True, dtype="float64")
    layer.build((None, 3, 4))
    layer.set_weights([w.W.T, w.U.T, w.B])
    with use_kernels("numpy"):
        out = layer(seed.one_hot(["I", "I", "I"])[None])[0]
    expected = parse_copy(TALK_COPY)
    for t in range(3):
        np.testing.assert_allclose(out[t], expected[t][:, 4], rtol=0, atol=2e-10)


# ----------------------------------------------------------------- training
def test_training_reaches_the_translation_deterministically():
    first = seed.train()
    second = seed.train()
    assert first.converged and first.predictions == list(seed.TRANSLATION)
    assert first.history == second.history and first.epochs == second.epochs
    assert len(first.history) == first.epochs + 1 == len(first.predictions_history)
    assert first.history[-1] < first.history[0]
    assert np.all(seed.margins(first.weights, seed.SENTENCE, seed.TRANSLATION) > 0.5)
    assert first.predictions_history[0] == seed.predict(seed.seed_example(), seed.SENTENCE)
    tables = first.tables
    assert tables[0].columns == ["epoch", "loss", "prediction"]
    trained_result = next(t for t in tables if t.title.startswith("결과"))
    assert trained_result.rows[2][1:] == list(seed.TRANSLATION)


def test_training_does_not_touch_the_starting_weights():
    start = seed.seed_example()
    before = start.copy()
    seed.train(start, max_epochs=5, margin=0.6)
    for name in ("W", "U", "B"):
        np.testing.assert_array_equal(getattr(start, name), getattr(before, name))


def test_softmax_over_tanh_cannot_beat_the_stated_floor():
    result = seed.train(margin=0.67, max_epochs=400)
    assert min(result.history) > seed.MIN_LOSS
    assert np.all(seed.margins(result.weights, seed.SENTENCE, seed.TRANSLATION)
                  < seed.MAX_MARGIN)


def test_history_table_summarises_long_runs():
    table = seed.history_table(list(np.linspace(1, 0.3, 500)), max_rows=20)
    epochs = [r[0] for r in table.rows]
    assert len(epochs) <= 20 and epochs[0] == 0 and epochs[-1] == 499
    assert any("of 500 epochs shown" in n for n in table.notes)


# ------------------------------------------------------------------- errors
def test_bad_input_gets_clear_errors():
    with pytest.raises(ValueError, match=r"unknown input word 'hello'.*'I', 'love'"):
        seed.one_hot(["I", "hello"])
    with pytest.raises(ValueError, match="non-empty list"):
        seed.one_hot("I love you")
    with pytest.raises(ValueError, match=r"expected 3 targets \(one per input\), got 2"):
        seed.loss_and_grads(seed.seed_example(), seed.SENTENCE, ["난", "널"])
    with pytest.raises(ValueError, match=r"unknown target word 'you'"):
        seed.loss_and_grads(seed.seed_example(), seed.SENTENCE, ["난", "널", "you"])
    with pytest.raises(ValueError, match="lr must be a positive number"):
        seed.train(lr=0)
    with pytest.raises(ValueError, match="margin must be in"):
        seed.train(margin=0.7)
    with pytest.raises(ValueError, match="max_epochs must be a non-negative int"):
        seed.train(max_epochs=-1)


def test_the_rounding_bound_catches_a_real_change_of_the_weights():
    moved = seed.seed_example()
    moved.B[1] += 1e-8  # far more than the rounding of a 10-digit number
    checks = seed_check.compare_with_talk(weights=moved)
    assert not all(c.within_bound for c in checks)
