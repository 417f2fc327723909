"""BLEU and chrF of translations with sacrebleu's corpus scorers, and samples to read.

    scores = score(hypotheses, references, lowercase=True)
    # {"bleu": 23.4, "chrf": 45.6, "bleu_signature": "nrefs:1|case:lc|…", …}

One reference per sentence. BLEU is sacrebleu's ``corpus_score`` with its
defaults (13a tokenization, up to 4-grams, exponential smoothing), chrF its
default chrF (character 6-grams, β = 2); both 0–100. ``lowercase=True``
scores case-insensitively, which is fair to a model whose target side is
lower-cased. The signature strings say exactly how the numbers were made.

sacrebleu is an optional dependency: ``pip install "seqlab[translate]"``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["samples", "score"]


def _sacrebleu() -> Any:
    try:
        import sacrebleu
    except ImportError:
        raise ImportError("seqlab.translate scoring needs sacrebleu: pip install "
                          "'seqlab[translate]' (or pip install sacrebleu)") from None
    return sacrebleu


def score(hypotheses: Sequence[str], references: Sequence[str], lowercase: bool = False
          ) -> dict[str, Any]:
    """Corpus BLEU and chrF of ``hypotheses`` against one reference each."""
    if len(hypotheses) != len(references):
        raise ValueError(f"score: {len(hypotheses)} hypotheses for {len(references)} "
                         "references; expected one reference per hypothesis")
    if not hypotheses:
        raise ValueError("score: no sentences to score")
    sacrebleu = _sacrebleu()
    bleu = sacrebleu.metrics.BLEU(lowercase=lowercase)
    chrf = sacrebleu.metrics.CHRF(lowercase=lowercase)
    refs = [list(references)]
    b, c = bleu.corpus_score(list(hypotheses), refs), chrf.corpus_score(list(hypotheses), refs)
    return {"bleu": round(b.score, 2), "chrf": round(c.score, 2),
            "bleu_signature": str(bleu.get_signature()),
            "chrf_signature": str(chrf.get_signature())}


def samples(sources: Sequence[str], hypotheses: Sequence[str], references: Sequence[str],
            n: int, lowercase: bool = False) -> dict[str, list[dict[str, Any]]]:
    """The ``n`` best and ``n`` worst translations by sentence chrF (ties: the earlier
    sentence first), each ``{"source", "translation", "reference", "chrf"}``."""
    chrf = _sacrebleu().metrics.CHRF(lowercase=lowercase)
    rows = [{"source": s, "translation": h, "reference": r,
             "chrf": round(chrf.sentence_score(h, [r]).score, 1)}
            for s, h, r in zip(sources, hypotheses, references)]
    ranked = sorted(range(len(rows)), key=lambda i: (-rows[i]["chrf"], i))
    return {"good": [rows[i] for i in ranked[:n]],
            "bad": [rows[i] for i in reversed(ranked[-n:])] if n else []}
