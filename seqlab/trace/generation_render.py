"""Tables and the heatmap of a recorded decoding call (:mod:`seqlab.trace.generation`).

    greedy / sample   one table: per step t and candidate rank, the token, its
                      p = softmax(logits) and log p; ✓ marks the token picked
                      (a sampled token outside the top is added below them)
    beam_search       one table per step: each beam continuation with
                      log p(token), Σ log p, L, score Σ log p / L^α and its fate
    attention         the weights of the first attention layer behind each
                      token of the result (the best hypothesis of a beam
                      search): target token × source token, a table and a heatmap
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from seqlab.report.tables import Table
from seqlab.trace.generation import GenerationTape, SearchRecord

FATE_TEXT = {"kept": "kept (a beam of the next step)", "finished": "finished (ended)",
             "max_length": "finished (max_length)", "dropped": "dropped"}


def _words(labels: Sequence[str] | None, ids: Sequence[int]) -> list[str]:
    if labels is None:
        return [str(int(i)) for i in ids]
    return [labels[int(i)] or "<pad>" for i in ids]


def _text(tape: GenerationTape, ids: Sequence[int]) -> str:
    return " ".join(_words(tape.vocabulary, ids)) or "(start)"


def source_labels(tape: GenerationTape, record: SearchRecord, source: int) -> list[str]:
    """The labels of the source's steps: its words when it is a row of ids, else t0, t1, …"""
    row = int(np.flatnonzero(record.rows == source)[0])
    x = record.sources[0][row] if record.sources else np.zeros(0)
    if x.ndim == 1 and x.dtype.kind in "iu":
        return _words(tape.source_vocabulary, x)
    return [f"t{i}" for i in range(len(x))]


def path_table(tape: GenerationTape, record: SearchRecord, source: int) -> Table:
    """The top candidates of every greedy / sampling step (module docstring)."""
    rows: list[list[Any]] = []
    for step in record.source_steps(source):
        so_far = _text(tape, step.prefix)
        shown = list(zip(step.candidates, step.probabilities))
        if step.picked not in step.candidates:
            shown.append((step.picked, step.picked_probability))
        for rank, (token, p) in enumerate(shown, start=1):
            rank_text: Any = rank if rank <= len(step.candidates) else "picked"
            rows.append([step.step, so_far, rank_text, _text(tape, [token]), p, float(np.log(p)),
                         "✓" if token == step.picked else ""])
    what = "greedy search" if record.kind == "greedy" else "sampling"
    notes = [f"the {tape.top} most likely next tokens at every step; p = softmax(logits)"]
    if record.kind == "sample":
        options = record.options
        notes.append(f"drawn with temperature {options['temperature']}, top_k "
                     f"{options['top_k']}, top_p {options['top_p']}; p is the model's own "
                     "distribution (before them)")
    return Table(f"{what}, step by step (source {source})",
                 ["t", "so far", "rank", "next token", "p", "log p", "picked"], rows, notes,
                 digits=4)


def beam_tables(tape: GenerationTape, record: SearchRecord, source: int) -> list[Table]:
    """One table per beam-search step (module docstring)."""
    alpha = record.options["length_penalty"]
    width = record.options["width"]
    tables = []
    for step in record.source_steps(source):
        rows = [[_text(tape, c.tokens[:-1]), _text(tape, c.tokens[-1:]), c.token_log_prob,
                 c.log_prob, len(c.tokens), c.score, FATE_TEXT[c.fate]]
                for c in step.candidates]
        beams = "; ".join(f"{_text(tape, t)} (Σ log p {s:.4g})" for t, s in step.beams)
        tables.append(Table(
            f"beam search step {step.step} (width {width}, source {source})",
            ["beam", "+ token", "log p(token)", "Σ log p", "L", f"score Σ/L^{alpha:g}", "fate"],
            rows, [f"beams going in: {beams}",
                   (f"the best {2 * width} continuations, best first; the best {width} that do "
                   "not end run on")], digits=4))
    return tables


def _result_attention(record: SearchRecord, source: int) -> tuple[tuple[int, ...], np.ndarray]:
    """The tokens the search returned for ``source`` (the best, for beam search) and
    the attention (tokens, source steps) behind them."""
    found = record.results(source)
    tokens = found[0].tokens if found else ()
    return tokens, record.attention_matrix(tokens, source)


def _attention_title(tape: GenerationTape, record: SearchRecord, source: int,
                     tokens: Sequence[int], short: bool = False) -> str:
    what = f"{' '.join(source_labels(tape, record, source))} → {_text(tape, tokens)}"
    if short:  # a figure title: the figure is as narrow as the source is short
        return f"attention: {what}"
    return f"attention while decoding: {what} (layer {record.attention_layers[0]!r})"


def attention_table(tape: GenerationTape, record: SearchRecord, source: int) -> Table:
    tokens, weights = _result_attention(record, source)
    rows = [[_text(tape, [tok]), *row.tolist()] for tok, row in zip(tokens, weights)]
    return Table(_attention_title(tape, record, source, tokens),
                 ["target token", *source_labels(tape, record, source)], rows,
                 [("row t: the weights over the source when the decoder chose token t; each "
                   "row sums to 1 over the source words, padding gets 0")], digits=3)


def search_tables(tape: GenerationTape, record: SearchRecord, source: int,
                  attention: bool = True) -> list[Table]:
    tables = ([path_table(tape, record, source)] if record.kind != "beam_search"
              else beam_tables(tape, record, source))
    if attention and record.attention_layers:
        tables.append(attention_table(tape, record, source))
    return tables


def attention_figure(tape: GenerationTape, record: SearchRecord, source: int,
                     fmt: str = "svg") -> Any:
    """The attention of the search's result as a heatmap (needs matplotlib)."""
    from seqlab.report.figures import heatmaps

    tokens, weights = _result_attention(record, source)
    return heatmaps([("weights over the source words (rows sum to 1)", weights)],
                    _attention_title(tape, record, source, tokens, short=True),
                    col_labels=source_labels(tape, record, source),
                    row_labels=_words(tape.vocabulary, tokens), row_label="target token",
                    col_label="source token", vmin=0.0, vmax=1.0, fmt=fmt)


def add_search(document: Any, tape: GenerationTape, record: SearchRecord, source: int,
               attention: bool, figures: bool) -> None:
    from seqlab.report import figures as figs

    document.add_tables(search_tables(tape, record, source, attention))
    if attention and figures and record.attention_layers and figs.available():
        document.add_svg(attention_figure(tape, record, source).text(),
                         caption=_attention_title(tape, record, source,
                                                  _result_attention(record, source)[0]))
