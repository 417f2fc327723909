"""The tour: the seed talk from text to gates, as one report.

Sections, in the talk's order:

1. text → numbers: the talk's multi-hot table ("We are SAI" / "We are a
   student") made by :class:`seqlab.text.TextVectorizer`, and the one-hot
   word vectors of "I love you";
2. the worked RNN (:func:`seqlab.talk.reports.seed_document`): the talk's
   loop tables, the real inputs, training to "난 널 사랑해";
3. the same loops traced from seqlab's own SimpleRNN (:func:`record`);
4. backpropagation by hand (:func:`seqlab.talk.reports.backprop_document`);
5. gradient flow (:func:`seqlab.talk.flowdemo.gradflow_report`);
6. LSTM and GRU gates over "세종은 1443년에 …" (:func:`seqlab.talk.sejong.sejong_demo`);
7. translation with attention: a toy encoder–decoder learns "I love you" →
   "난 널 사랑해" and is watched decoding, greedy and beam search, with its
   attention (:func:`seqlab.talk.translation_toy.translation_section`).

Everything is embedded (no download). ``quick=True`` shrinks the gradient-flow
training grid for tests.
"""

from __future__ import annotations

import time

from seqlab.report.document import Document
from seqlab.report.tables import Table

TALK_DOCUMENTS: tuple[str, ...] = ("We are SAI", "We are a student")


def _extend(doc: Document, part: Document, heading: str) -> None:
    """Append ``part``'s blocks under a level-2 heading (its own headings one level down)."""
    doc.add_heading(heading)
    for kind, a, b in part.blocks:
        if kind == "heading":
            doc.add_heading(a, min(6, b + 1))
        else:
            doc.blocks.append((kind, a, b))


def text_tables() -> list[Table]:
    """The talk's multi-hot table and the one-hot vectors of I, love, you."""
    from seqlab.talk import seed
    from seqlab.text import TextVectorizer

    tv = TextVectorizer(standardize=None, output_mode="multi_hot", oov_token=None)
    bags = tv.fit_transform(list(TALK_DOCUMENTS))
    vocab = tv.get_vocabulary()
    multi = Table("multi-hot: one row per document (the talk's table)", ["", *vocab],
                  [[f"Document{i + 1}", *[int(v) for v in row]] for i, row in enumerate(bags)],
                  [f"Document{i + 1} : {d}" for i, d in enumerate(TALK_DOCUMENTS)])
    onehot = seed.one_hot(seed.SENTENCE)
    one = Table("one-hot: one row per word, over {I, love, you, her}",
                ["word", *seed.INPUT_WORDS],
                [[w, *[int(v) for v in row]] for w, row in zip(seed.SENTENCE, onehot)])
    return [multi, one]


def traced_seed_tables() -> list[Table]:
    """The talk's three loops (X(I) at every step) from seqlab's SimpleRNN,
    recorded with :func:`seqlab.trace.record`: same numbers, same columns."""
    from seqlab.layers import Activation, SimpleRNN
    from seqlab.models import Sequential
    from seqlab.talk import seed
    from seqlab.trace.recorder import record

    rnn = SimpleRNN(3, return_sequences=True, dtype="float64", name="talk_rnn")
    model = Sequential([rnn, Activation("softmax", dtype="float64", name="talk_softmax")])
    model.build((None, 3, len(seed.INPUT_WORDS)))
    rnn.set_weights(seed.seed_example().to_keras())
    words = ["I", "I", "I"]
    with record(model) as tape:
        model(seed.one_hot(words)[None])  # (T, D) -> (1, T, D)
    tables = []
    for t in range(len(words)):
        table = tape.table("talk_rnn", sample=0, step=t, labels=[words[t]])
        table.title = f"loop {t + 1} traced from SimpleRNN (unit 0 = 난, 1 = 널, 2 = 사랑해)"
        tables.append(table)
    tables[0].notes.append("seqlab.trace.record(model) over SimpleRNN(3) + softmax with the "
                           "talk's weights (kernel = Wᵀ, recurrent_kernel = Uᵀ)")
    return tables


def gates_section(doc: Document, figures: bool) -> None:
    from seqlab.report import figures as figs
    from seqlab.talk.sejong import SENTENCE, SENTENCE_SUBJECT_LAST, sejong_demo

    doc.add_text(
        f"A small model reads a sentence and says who did it. Trained on 240 embedded "
        f"sentences built like the talk's, it then reads the talk's two: \"{SENTENCE}\" "
        f"(subject first: it must be kept to the end) and \"{SENTENCE_SUBJECT_LAST}\". "
        "The forget gate f (LSTM) and the update gate z (GRU) are 1 where the state is kept.")
    for cell in ("lstm", "gru"):
        demo = sejong_demo(cell)
        doc.add_heading(f"{cell.upper()} (held-out accuracy {demo.accuracy:.2f})", 3)
        doc.add_table(demo.subject_first.table())
        if figures and figs.available():
            doc.add_svg(demo.subject_first.figure("svg").text(),
                        caption=f"{cell.upper()} gates and states over \"{SENTENCE}\"")
        doc.add_table(demo.subject_last.table())


def tour_document(quick: bool = False, figures: bool = True) -> Document:
    """The whole tour as one Document (see the module docstring)."""
    from seqlab.talk import flowdemo
    from seqlab.talk.reports import backprop_document, seed_document
    from seqlab.talk.translation_toy import translation_section

    start = time.perf_counter()
    doc = Document("seqlab tour: deep learning for text and sequences, every number in view")
    doc.add_text("A walk through the seed talk (Deep Learning with Python, chapter 6): text "
                 "becomes numbers, a tiny RNN learns to translate, gradients flow (or do not), "
                 "gates decide what to keep, and an encoder–decoder with attention translates "
                 "one word at a time.")
    doc.add_heading("1. Text to numbers")
    doc.add_tables(text_tables())
    _extend(doc, seed_document(), "2. The worked RNN: I love you → 난 널 사랑해")
    doc.add_heading("3. The same loops, traced from seqlab's SimpleRNN")
    doc.add_tables(traced_seed_tables())
    _extend(doc, backprop_document(("mul", "add", "rnn")), "4. Backpropagation by hand")
    grid = (10, 25) if quick else (10, 25, 50, 100, 200)
    report = flowdemo.gradflow_report(grid, curve_steps=30 if quick else 50,
                                      epochs=3 if quick else 6,
                                      samples=256 if quick else 512, figures=figures)
    _extend(doc, report.document, "5. Gradient flow")
    doc.add_heading("6. LSTM and GRU gates")
    gates_section(doc, figures)
    doc.add_heading("7. Translation with attention: I love you → 난 널 사랑해, step by step")
    translation_section(doc, figures)
    doc.add_text(f"Tour computed in {time.perf_counter() - start:.1f} s "
                 f"({'quick' if quick else 'full'} mode).")
    return doc

