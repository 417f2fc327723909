"""The seed talk's worked example: a 3-unit RNN that should turn "I love you"
into "난 널 사랑해", number by number.

The talk writes the network with column vectors (H = 3 units, D = 4 input
words, T steps, one-hot x_t over {I, love, you, her}):

    a_t = W·x_t + U·S_{t−1} + B          W (H, D), U (H, H), B (H,)   "WX + US + B"
    O_t = tanh(a_t)                       "tanh(WX+US+B) (O)"
    S_t = O_t                             the output is the next state, S_0 = 0
    p_t = softmax(O_t)                    over the outputs {난, 널, 사랑해}

and the loss used here to train it is the mean cross-entropy over the steps,
L = −(1/T) Σ_t log p_t[y_t]. Backpropagation through time, in the same symbols:

    dO_t = (p_t − onehot(y_t)) / T + dS_t         dS_t comes back from step t+1
    da_t = dO_t ⊙ (1 − O_t²)                      tanh′ = 1 − tanh²
    dW = Σ_t da_t x_tᵀ,   dU = Σ_t da_t S_{t−1}ᵀ,   dB = Σ_t da_t
    dS_{t−1} = Uᵀ da_t

Everything is float64 NumPy. seqlab's SimpleRNN computes the same network in
Keras's row-vector layout with kernel = Wᵀ (D, H), recurrent_kernel = Uᵀ and
bias = B (see :func:`engine_check`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from seqlab.report.tables import Table

INPUT_WORDS: tuple[str, ...] = ("I", "love", "you", "her")
OUTPUT_WORDS: tuple[str, ...] = ("난", "널", "사랑해")
SENTENCE: tuple[str, ...] = ("I", "love", "you")
TRANSLATION: tuple[str, ...] = ("난", "널", "사랑해")
LOOP_NAMES: tuple[str, ...] = ("첫번째 루프", "두번째 루프", "세번째 루프")

# The talk's weights exactly as printed (rows: output features, columns: input features).
_W = ((0.5344613383, 0.2340135574, 0.6833450257, 0.134806233),
      (0.005400196945, 0.3850176626, 0.9667685167, 0.7758002355),
      (0.3359488417, 0.7829360944, 0.1415861303, 0.423786741))
_U = ((0.1524336548, 0.8001560108, 0.159796803),
      (0.8479080448, 0.6059535281, 0.2086256969),
      (0.2940066967, 0.710345277, 0.6300805231))
_B = (0.6397506561, 0.948082303, 0.644066256)

COLUMNS_AFTER_INPUT: tuple[str, ...] = (
    "U * S", "WX + US + B", "tanh(WX+US+B) (O)", "softmax(O)", "output")

TALK_RUN_NOTE = (
    "As in the talk's spreadsheet, X(I) — the one-hot vector of \"I\" — is fed at EVERY "
    "step (all three loops use W * X(I)); the real sentence would feed I, love, you."
)


@dataclass(frozen=True)
class SeedWeights:
    """W (H, D) = (3, 4), U (H, H) = (3, 3), B (H,) = (3,), float64, column-vector form."""

    W: np.ndarray
    U: np.ndarray
    B: np.ndarray

    def copy(self) -> SeedWeights:
        return SeedWeights(self.W.copy(), self.U.copy(), self.B.copy())

    def to_keras(self) -> list[np.ndarray]:
        """[kernel (D, H) = Wᵀ, recurrent_kernel (H, H) = Uᵀ, bias (H,) = B]."""
        return [self.W.T.copy(), self.U.T.copy(), self.B.copy()]


@dataclass
class Step:
    """One loop of the network: the column vectors of the talk's table."""

    word: str
    x: np.ndarray      # (D,) one-hot input
    state: np.ndarray  # (H,) S_{t−1}
    wx: np.ndarray     # (H,) W·x_t
    us: np.ndarray     # (H,) U·S_{t−1}
    a: np.ndarray      # (H,) W·x_t + U·S_{t−1} + B
    o: np.ndarray      # (H,) tanh(a_t), also S_t
    p: np.ndarray      # (H,) softmax(O_t)


@dataclass
class Gradients:
    """dL/dW, dL/dU, dL/dB, dL/dS_0, and per step dL/dO_t from the softmax
    alone (``dO_out``, (T, H)) and in total (``dO``, (T, H), with dS_t added)."""

    dW: np.ndarray
    dU: np.ndarray
    dB: np.ndarray
    dS0: np.ndarray
    dO_out: np.ndarray
    dO: np.ndarray


@dataclass
class TrainResult:
    """What :func:`train` returns: loss and predictions per epoch (index 0 is
    before any update), the trained weights, the final predictions and tables."""

    history: list[float]
    predictions_history: list[list[str]]
    weights: SeedWeights
    predictions: list[str]
    epochs: int
    converged: bool
    tables: list[Table] = field(default_factory=list)


def seed_example() -> SeedWeights:
    """Fresh float64 copies of the talk's W (3×4), U (3×3) and B (3)."""
    return SeedWeights(np.array(_W, dtype=np.float64), np.array(_U, dtype=np.float64),
                       np.array(_B, dtype=np.float64))


def _indices(words: Sequence[str], vocab: Sequence[str], what: str) -> list[int]:
    if isinstance(words, str) or not isinstance(words, Sequence) or len(words) == 0:
        raise ValueError(f"seed example: {what} must be a non-empty list of words from "
                         f"{list(vocab)}, got {words!r}")
    out = []
    for w in words:
        if w not in vocab:
            raise ValueError(f"seed example: unknown {what[:-1]} word {w!r}; "
                             f"expected one of {list(vocab)}")
        out.append(vocab.index(w))
    return out


def one_hot(words: Sequence[str], vocab: Sequence[str] = INPUT_WORDS) -> np.ndarray:
    """(T, len(vocab)) one-hot rows of ``words`` (the talk's input/output word vectors)."""
    idx = _indices(words, vocab, "inputs")
    return np.eye(len(vocab), dtype=np.float64)[idx]


def _softmax(o: np.ndarray) -> np.ndarray:
    e = np.exp(o - o.max())
    return e / e.sum()


def forward(weights: SeedWeights, words: Sequence[str],
            state0: np.ndarray | None = None) -> list[Step]:
    """Run the loops over ``words``; S_0 = ``state0`` or zeros."""
    X = one_hot(words)
    H = weights.W.shape[0]
    S = np.zeros(H) if state0 is None else np.asarray(state0, dtype=np.float64)
    steps = []
    for word, x in zip(words, X):
        wx = weights.W @ x
        us = weights.U @ S
        a = wx + us + weights.B
        o = np.tanh(a)
        steps.append(Step(word, x, S, wx, us, a, o, _softmax(o)))
        S = o
    return steps


def loss(steps: Sequence[Step], targets: Sequence[str]) -> float:
    """L = −(1/T) Σ_t log p_t[y_t]."""
    y = _indices(targets, OUTPUT_WORDS, "targets")
    if len(y) != len(steps):
        raise ValueError(f"seed example: expected {len(steps)} targets (one per input), "
                         f"got {len(y)}")
    return float(-np.mean([np.log(s.p[k]) for s, k in zip(steps, y)]))


def backward(weights: SeedWeights, steps: Sequence[Step], targets: Sequence[str]) -> Gradients:
    """BPTT through the loops of :func:`forward` (equations in the module docstring)."""
    Y = one_hot(targets, OUTPUT_WORDS)
    T, H = len(steps), weights.W.shape[0]
    if len(Y) != T:
        raise ValueError(f"seed example: expected {T} targets (one per input), got {len(Y)}")
    dW, dU, dB = np.zeros_like(weights.W), np.zeros_like(weights.U), np.zeros_like(weights.B)
    dO_out = np.stack([(s.p - y) / T for s, y in zip(steps, Y)])  # (T, H)
    dO = np.zeros((T, H))
    dS = np.zeros(H)
    for t in range(T - 1, -1, -1):
        s = steps[t]
        dO[t] = dO_out[t] + dS
        da = dO[t] * (1.0 - s.o ** 2)
        dW += np.outer(da, s.x)
        dU += np.outer(da, s.state)
        dB += da
        dS = weights.U.T @ da
    return Gradients(dW, dU, dB, dS, dO_out, dO)


def loss_and_grads(weights: SeedWeights, words: Sequence[str],
                   targets: Sequence[str]) -> tuple[float, Gradients]:
    steps = forward(weights, words)
    return loss(steps, targets), backward(weights, steps, targets)


def predict(weights: SeedWeights, words: Sequence[str]) -> list[str]:
    """The most probable output word at each step."""
    return [OUTPUT_WORDS[int(np.argmax(s.p))] for s in forward(weights, words)]


# -------------------------------------------------------------------- tables
def loop_table(step: Step, t: int, digits: int = 10, label: str = "") -> Table:
    """The talk's table of loop ``t`` (0-based): one row per unit."""
    name = LOOP_NAMES[t] if t < len(LOOP_NAMES) else f"{t + 1}번째 루프"
    title = f"{name} (loop {t + 1}{label}): input {step.word!r}"
    columns = ["state(S)", f"W * X({step.word})", *COLUMNS_AFTER_INPUT]
    rows = [[step.state[h], step.wx[h], step.us[h], step.a[h], step.o[h], step.p[h],
             OUTPUT_WORDS[h]] for h in range(len(step.o))]
    best = OUTPUT_WORDS[int(np.argmax(step.p))]
    return Table(title, columns, rows, [f"most probable output: {best}"], digits=digits)


def run_loops(inputs: Sequence[str], weights: SeedWeights | None = None, digits: int = 10,
              label: str = "") -> list[Table]:
    """One table per loop for ``inputs`` (weights: the talk's unless given)."""
    weights = seed_example() if weights is None else weights
    return [loop_table(s, t, digits, label) for t, s in enumerate(forward(weights, inputs))]


def result_table(inputs: Sequence[str], predictions: Sequence[str],
                 targets: Sequence[str] = TRANSLATION, title: str = "결과 (result)") -> Table:
    """The talk's result table: 입력값 (input), 목표결과 (target), 실제결과 (actual)."""
    rows = [["입력값 (input)", *inputs], ["목표결과 (target)", *targets],
            ["실제결과 (actual)", *predictions]]
    cols = ["", *[f"step {t + 1}" for t in range(len(inputs))]]
    ok = list(predictions) == list(targets)
    note = "actual = target" if ok else "actual ≠ target"
    return Table(title, cols, rows, [note])


def weight_tables(weights: SeedWeights, digits: int = 10, label: str = "") -> list[Table]:
    """W, U and B laid out as in the talk (rows: output features)."""
    H = weights.W.shape[0]
    rows_w = [[OUTPUT_WORDS[h], *weights.W[h]] for h in range(H)]
    rows_u = [[OUTPUT_WORDS[h], *weights.U[h]] for h in range(H)]
    rows_b = [[OUTPUT_WORDS[h], weights.B[h]] for h in range(H)]
    sfx = f" {label}" if label else ""
    return [
        Table(f"weight(W){sfx}", ["output feature", *INPUT_WORDS], rows_w, digits=digits),
        Table(f"state weight(U){sfx}", ["output feature", *[f"S[{OUTPUT_WORDS[h]}]"
                                                            for h in range(H)]],
              rows_u, digits=digits),
        Table(f"bias(B){sfx}", ["output feature", "B"], rows_b, digits=digits),
    ]


def talk_run(digits: int = 10) -> list[Table]:
    """The talk's three loops: the talk's weights, X(I) fed at every step."""
    weights = seed_example()
    inputs = ["I", "I", "I"]
    tables = run_loops(inputs, weights, digits)
    preds = predict(weights, inputs)
    res = result_table(inputs, preds, title="결과 (result) — X(I) at every step")
    res.notes.append("this 'actual' comes from feeding X(I) at every step, as the talk's "
                     "tables do (nearly uniform probabilities); see the real inputs below")
    tables[0].notes.append(TALK_RUN_NOTE)
    return [*tables, res]


def real_run(weights: SeedWeights | None = None, digits: int = 10, label: str = "") -> list[Table]:
    """The loops with the real inputs I, love, you, and the result table."""
    weights = seed_example() if weights is None else weights
    tables = run_loops(SENTENCE, weights, digits, label)
    preds = predict(weights, SENTENCE)
    title = f"결과 (result) — inputs I, love, you{label}"
    return [*tables, result_table(SENTENCE, preds, title=title)]


# ------------------------------------------------------------------ training
def margins(weights: SeedWeights, inputs: Sequence[str], targets: Sequence[str]) -> np.ndarray:
    """Per step, p_t[y_t] minus the largest other probability (> 0: the target wins)."""
    y = _indices(targets, OUTPUT_WORDS, "targets")
    out = []
    for s, k in zip(forward(weights, inputs), y):
        out.append(s.p[k] - np.max(np.delete(s.p, k)))
    return np.array(out)


# Softmax over tanh outputs in [−1, 1]: p ≤ e / (e + (H − 1)/e), so the margin
# p[y] − max p[other] ≤ (e − 1/e) / (e + (H − 1)/e) and L ≥ −log(e / (e + (H − 1)/e)).
MAX_MARGIN = float((np.e - 1 / np.e) / (np.e + 2 / np.e))
MIN_LOSS = float(-np.log(np.e / (np.e + 2 / np.e)))


def train(weights: SeedWeights | None = None, inputs: Sequence[str] = SENTENCE,
          targets: Sequence[str] = TRANSLATION, lr: float = 1.0, margin: float = 0.5,
          max_epochs: int = 1000, digits: int = 10) -> TrainResult:
    """Plain gradient descent on L (full batch: the one sentence), BPTT gradients.

    Starts from the talk's weights (or a copy of ``weights``) and stops at the
    first epoch after which every step predicts its target by at least
    ``margin`` (p_t[y_t] − max other p_t), or after ``max_epochs`` updates.
    ``margin`` must lie in [0, MAX_MARGIN ≈ 0.68): softmax over tanh outputs
    cannot be more certain. Deterministic: no randomness at all.
    """
    if isinstance(lr, bool) or not isinstance(lr, (int, float)) or not lr > 0:
        raise ValueError(f"seed train: lr must be a positive number, got {lr!r}")
    if isinstance(margin, bool) or not isinstance(margin, (int, float)) \
            or not 0 <= margin < MAX_MARGIN:
        raise ValueError(f"seed train: margin must be in [0, {MAX_MARGIN:.4f}) (softmax over "
                         f"tanh outputs cannot do better), got {margin!r}")
    if isinstance(max_epochs, bool) or not isinstance(max_epochs, int) or max_epochs < 0:
        raise ValueError(f"seed train: max_epochs must be a non-negative int, got {max_epochs!r}")
    w = (seed_example() if weights is None else weights).copy()
    current, grads = loss_and_grads(w, inputs, targets)
    history = [current]
    pred_history = [predict(w, inputs)]
    epochs = 0
    while epochs < max_epochs and not np.all(margins(w, inputs, targets) > margin):
        w.W[...] -= lr * grads.dW
        w.U[...] -= lr * grads.dU
        w.B[...] -= lr * grads.dB
        epochs += 1
        current, grads = loss_and_grads(w, inputs, targets)
        history.append(current)
        pred_history.append(predict(w, inputs))
    preds = pred_history[-1]
    converged = preds == list(targets)
    result = TrainResult(history, pred_history, w, preds, epochs, converged)
    hist = history_table(history, pred_history)
    hist.notes.append(
        f"plain gradient descent, lr={lr}, stopped after {epochs} epochs when every step's "
        f"target probability beat the others by > {margin} (or at max_epochs={max_epochs})")
    hist.notes.append(
        f"softmax over tanh outputs in [-1, 1] caps p at e/(e + 2/e) = {np.exp(-MIN_LOSS):.4f}, "
        f"so the loss cannot go below {MIN_LOSS:.4f}")
    result.tables = [hist, *run_loops(inputs, w, digits, ", trained"),
                     result_table(inputs, preds, targets, title="결과 (result) — trained"),
                     *weight_tables(w, digits, "(trained)")]
    return result


def history_table(history: Sequence[float], predictions: Sequence[Sequence[str]] | None = None,
                  max_rows: int = 40) -> Table:
    """Loss (and the predicted sentence) per epoch; long histories are
    summarised by evenly spaced epochs, first and last included."""
    n = len(history)
    if n <= max_rows:
        picks = list(range(n))
    else:
        picks = sorted(set(np.linspace(0, n - 1, max_rows).round().astype(int).tolist()))
    columns = ["epoch", "loss"] + (["prediction"] if predictions is not None else [])
    rows = [[e, history[e], *([" ".join(predictions[e])] if predictions is not None else [])]
            for e in picks]
    notes = ["epoch 0 is the loss of the talk's initial weights, before any update"]
    if len(picks) < n:
        notes.append(f"{len(picks)} of {n} epochs shown")
    return Table("loss per epoch (mean cross-entropy over the steps)", columns, rows, notes,
                 digits=6)


# ------------------------------------------------------------ engine check
def engine_check(weights: SeedWeights | None = None, inputs: Sequence[str] = SENTENCE,
                 targets: Sequence[str] = TRANSLATION) -> dict[str, float]:
    """Largest absolute differences between this module and seqlab's SimpleRNN
    (float64, kernel = Wᵀ, recurrent_kernel = Uᵀ, bias = B): outputs O_t, and
    the gradients of W, U, B and of the inputs for the same loss."""
    from seqlab.layers.rnn_cells import SimpleRNN

    weights = seed_example() if weights is None else weights
    steps = forward(weights, inputs)
    grads = backward(weights, steps, targets)
    X = one_hot(inputs)[None]  # (T, D) -> (1, T, D)
    layer = SimpleRNN(weights.W.shape[0], return_sequences=True, dtype="float64")
    layer.build(X.shape)
    layer.set_weights(weights.to_keras())
    out = layer(X)  # (1, T, H)
    dx = layer.backward(grads.dO_out[None])  # (T, H) -> (1, T, H)
    dX = np.stack([weights.W.T @ (g * (1 - s.o ** 2)) for g, s in zip(grads.dO, steps)])
    return {
        "O": float(np.max(np.abs(out[0] - np.stack([s.o for s in steps])))),
        "dW": float(np.max(np.abs(layer.kernel.grad - grads.dW.T))),
        "dU": float(np.max(np.abs(layer.recurrent_kernel.grad - grads.dU.T))),
        "dB": float(np.max(np.abs(layer.bias.grad - grads.dB))),
        "dX": float(np.max(np.abs(dx[0] - dX))),
    }
