"""The talk's gate demonstration: who did it, 세종 or 장영실?

:func:`sejong_demo` trains a small model on embedded sentences built around
the talk's example, "세종은 1443년에 집현전 학자들의 도움을 얻어 창제(創製)함.":
read the sentence, say who did it (세종, 장영실, 정약용 or 신사임당). The
subject comes first, so the network must carry it to the end — the forget
(LSTM) or update (GRU) gates (:func:`seqlab.trace.gate_maps`) show the units
that keep it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from seqlab.random import make_rng
from seqlab.trace.gates import GateMaps, gate_maps

SENTENCE = "세종은 1443년에 집현전 학자들의 도움을 얻어 창제(創製)함."
SENTENCE_SUBJECT_LAST = "1443년에 집현전 학자들의 도움을 얻어 창제(創製)한 세종."
SUBJECTS: tuple[str, ...] = ("세종", "장영실", "정약용", "신사임당")
_TOPIC = {"세종": "세종은", "장영실": "장영실은", "정약용": "정약용은", "신사임당": "신사임당은"}
_YEARS = ("1443년에", "1441년에", "1818년에", "1550년에", "1434년에")
_MIDDLE = ("집현전", "학자들의", "도움을", "얻어", "궁궐에서", "오랜", "연구", "끝에", "백성을",
           "위해", "새로운", "글자를", "책을", "기계를", "그림을", "밤낮으로")
_ENDS_FINAL = ("창제(創製)함.", "발명함.", "지음.", "그림.")
_ENDS_ADNOMINAL = ("창제(創製)한", "발명한", "지은", "그린")


def who_did_it_corpus(n: int = 240, seed: int = 0) -> tuple[list[str], np.ndarray]:
    """``n`` generated sentences like the talk's and the index of their subject
    in SUBJECTS. Two word orders, as in the talk: subject first ("세종은 …
    창제(創製)함.") or last ("… 창제(創製)한 세종.")."""
    rng = make_rng(seed)
    texts, labels = [], []
    for _ in range(n):
        k = int(rng.integers(len(SUBJECTS)))
        middle = list(rng.choice(_MIDDLE, size=int(rng.integers(3, 7)), replace=False))
        year = str(rng.choice(_YEARS))
        end = int(rng.integers(len(_ENDS_FINAL)))
        if rng.random() < 0.7:
            words = [_TOPIC[SUBJECTS[k]], year, *middle, _ENDS_FINAL[end]]
        else:
            words = [year, *middle, _ENDS_ADNOMINAL[end], SUBJECTS[k] + "."]
        texts.append(" ".join(words))
        labels.append(k)
    return texts, np.array(labels, dtype=np.int64)


@dataclass
class SejongDemo:
    """The trained model's gate maps for the talk's two sentences."""

    cell: str
    subject_first: GateMaps
    subject_last: GateMaps
    accuracy: float
    epochs: int


def sejong_demo(cell: str = "lstm", units: int = 8, epochs: int = 12, seed: int = 0
                ) -> SejongDemo:
    """Train Embedding → ``cell`` → Dense(4, softmax) on :func:`who_did_it_corpus`
    and trace the talk's sentences (SENTENCE and SENTENCE_SUBJECT_LAST)."""
    from seqlab.layers import GRU, LSTM, Dense, Embedding
    from seqlab.models import Sequential
    from seqlab.optim import Adam
    from seqlab.text import TextVectorizer, WordTokenizer

    cells = {"lstm": LSTM, "gru": GRU}
    if cell not in cells:
        raise ValueError(f"sejong_demo: cell must be 'lstm' or 'gru', got {cell!r}")
    texts, labels = who_did_it_corpus(seed=seed)
    tok = WordTokenizer(lower=False)
    tv = TextVectorizer(standardize=None, split=tok, output_mode="int")
    tv.fit(texts)
    x = tv.transform(texts)
    model = Sequential([Embedding(len(tv.get_vocabulary()), 8, mask_zero=True, seed=seed,
                                  name="embedding"),
                        cells[cell](units, seed=seed + 1, name=cell),
                        Dense(len(SUBJECTS), activation="softmax", seed=seed + 2, name="who")])
    model.compile(optimizer=Adam(0.02), loss="sparse_categorical_crossentropy", metrics=["acc"])
    model.fit(x, labels, batch_size=16, epochs=epochs, verbose=0, seed=seed)
    held_x, held_y = who_did_it_corpus(80, seed=seed + 1)
    acc = float(model.evaluate(tv.transform(held_x), held_y, verbose=0,
                               return_dict=True)["acc"])
    views = []
    for sentence in (SENTENCE, SENTENCE_SUBJECT_LAST):
        ids = tv.transform([sentence])
        maps = gate_maps(model, ids, tokens=tok(sentence))
        maps.prediction = SUBJECTS[int(np.argmax(model.predict(ids)[0]))]
        views.append(maps)
    return SejongDemo(cell, views[0], views[1], acc, epochs)
