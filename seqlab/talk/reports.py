"""Ready-made reports of the glass-box demonstrations, as format-neutral
:class:`~seqlab.report.document.Document` objects (print them as rich text,
Markdown, CSV or a self-contained HTML page).

- :func:`seed_document`: the talk's worked RNN — its weights, its three loop
  tables (X(I) at every step, checked against the printed numbers), the run
  with the real inputs, the check against seqlab's SimpleRNN, and training by
  BPTT until "I love you" → "난 널 사랑해".
- :func:`backprop_document`: backpropagation by hand on small graphs.
"""

from __future__ import annotations

from collections.abc import Sequence

from seqlab.report.document import Document
from seqlab.talk import handprop, seed, seed_check


def seed_document(lr: float = 1.0, margin: float = 0.5, max_epochs: int = 1000,
                  digits: int = 10) -> Document:
    """The talk's worked example from start to finish (see the module docstring)."""
    doc = Document("The seed talk's worked example: I love you → 난 널 사랑해")
    doc.add_text(
        "A 3-unit RNN over one-hot words {I, love, you, her} with outputs {난, 널, 사랑해}: "
        "O = tanh(W·X + U·S + B), the output O is the next state S (S starts at 0), and "
        "softmax(O) gives the probability of each output word. Column-vector form as in "
        "the talk; float64.")
    doc.add_heading("The talk's weights")
    doc.add_tables(seed.weight_tables(seed.seed_example(), digits))

    doc.add_heading("The talk's three loops (X(I) fed at every step)")
    talk = seed.talk_run(digits)
    checks = seed_check.compare_with_talk()
    talk[0].notes.extend(seed_check.summary(checks))
    doc.add_tables(talk)

    doc.add_heading("The real inputs I, love, you (untrained)")
    weights = seed.seed_example()
    preds = seed.predict(weights, seed.SENTENCE)
    doc.add_text(
        f"With the real inputs the talk's untrained network says {' '.join(preds)} — not "
        f"{' '.join(seed.TRANSLATION)}.")
    doc.add_tables(seed.real_run(weights, digits))

    diffs = seed.engine_check(weights)
    doc.add_text(
        "Checked against seqlab's SimpleRNN (Keras layout: kernel = Wᵀ, recurrent_kernel = "
        "Uᵀ, bias = B, float64) on I, love, you with the same loss — largest absolute "
        "differences: " + ", ".join(f"{k} {v:.1e}" for k, v in diffs.items()) + ".")

    doc.add_heading("Training by BPTT from the talk's weights")
    result = seed.train(lr=lr, margin=margin, max_epochs=max_epochs, digits=digits)
    verdict = ("now translates" if result.converged else "still does not translate")
    doc.add_text(
        f"After {result.epochs} epochs of gradient descent the network {verdict} "
        f"I love you → {' '.join(result.predictions)} (loss {result.history[0]:.6g} → "
        f"{result.history[-1]:.6g}).")
    doc.add_tables(result.tables)
    return doc


def backprop_document(names: Sequence[str] = ("mul", "add", "add_mul", "rnn"),
                      digits: int = 6) -> Document:
    """For each named example of :data:`seqlab.talk.handprop.EXAMPLES`: its
    backward table and its graph as SVG."""
    unknown = [n for n in names if n not in handprop.EXAMPLES]
    if unknown or not names:
        raise ValueError(f"unknown backprop example(s) {unknown or list(names)!r}; expected "
                         f"names from {list(handprop.EXAMPLES)}")
    doc = Document("Backpropagation by hand")
    doc.add_text(
        "Each node passes back upstream × its local gradient: add distributes the gradient "
        "(∂f/∂x = ∂f/∂y = 1), multiply swaps it (∂f/∂x = y, ∂f/∂y = x), tanh′ = 1 − tanh².")
    for name in names:
        example = handprop.EXAMPLES[name]()
        doc.add_heading(example.title)
        doc.add_table(handprop.backward_table(example.root, digits))
        doc.add_svg(handprop.to_svg(example.root), caption=example.title)
    return doc
