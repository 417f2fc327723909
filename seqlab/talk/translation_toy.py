"""The talk's translation, for real: a toy encoder–decoder with attention that
learns "I love you" → "난 널 사랑해" and is watched while it decodes.

:data:`PAIRS` are 16 short English–Korean sentence pairs, split into words.
:func:`train_toy` trains, from a fixed seed, the Keras seq2seq example with
Luong attention on them:

    source ids → Embedding(mask_zero) → LSTM(32, return_sequences, return_state) = enc, h, c
    target ids → Embedding(mask_zero) → LSTM(32, return_sequences)(initial_state=[h, c]) = dec
    Attention()([dec, enc]) = context;  Dense(V, softmax)(Concatenate()([context, dec]))

with teacher forcing (:func:`seqlab.text.shift_targets`: the decoder reads
<s> w1 w2 … and predicts w1 w2 … </s>; padding is left out of the loss), one
full batch per epoch, until the most likely next word is right at every
position of every pair — then greedy decoding reproduces every training pair.
:func:`translation_section` shows the model decoding "I love you" with
:func:`seqlab.trace.record_generation`: the greedy step table, the beam
(width 3) at each step and the attention heatmap.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np

PAIRS: tuple[tuple[str, str], ...] = (
    ("I love you", "난 널 사랑해"), ("I love her", "난 그녀를 사랑해"),
    ("you love me", "넌 날 사랑해"), ("she loves you", "그녀는 널 사랑해"),
    ("I miss you", "난 널 그리워해"), ("you miss me", "넌 날 그리워해"),
    ("I know you", "난 널 알아"), ("you know me", "넌 날 알아"),
    ("she knows me", "그녀는 날 알아"), ("I help you", "난 널 도와"),
    ("you help her", "넌 그녀를 도와"), ("she helps me", "그녀는 날 도와"),
    ("I see her", "난 그녀를 봐"), ("she sees you", "그녀는 널 봐"),
    ("you see me", "넌 날 봐"), ("I love", "난 사랑해"),
)
SENTENCE, TRANSLATION = PAIRS[0]
PAD, START, END = "", "<s>", "</s>"


@dataclass
class ToyTranslator:
    """The trained model, its decoder and vocabularies (id → word; 0 is padding)."""

    model: Any
    decoder: Any
    source_vocabulary: list[str]
    target_vocabulary: list[str]
    epochs: int
    seconds: float
    loss: float

    def encode(self, sentence: str) -> np.ndarray:
        """The source ids of ``sentence`` (words of the source vocabulary)."""
        ids = {w: i for i, w in enumerate(self.source_vocabulary)}
        unknown = [w for w in sentence.split() if w not in ids]
        if unknown or not sentence.split():
            raise ValueError(f"the toy translator knows the words {self.source_vocabulary[1:]}; "
                             f"got {sentence!r}" + (f" (unknown: {unknown})" if unknown else ""))
        return np.array([ids[w] for w in sentence.split()], dtype=np.int64)

    def words(self, tokens: Any) -> str:
        """Target ids → the Korean sentence (the end token left out)."""
        return " ".join(w for w in (self.target_vocabulary[t] for t in tokens) if w != END)

    def translate(self, sentence: str) -> str:
        """Greedy decoding of one English sentence."""
        return self.words(self.decoder.greedy(self.encode(sentence))[0].tokens)


def vocabularies() -> tuple[list[str], list[str]]:
    """(source, target) id → word lists: padding at 0, then <s> and </s> (target),
    then the words in sorted order."""
    source = [PAD, *sorted({w for s, _ in PAIRS for w in s.split()})]
    target = [PAD, START, END, *sorted({w for _, t in PAIRS for w in t.split()})]
    return source, target


def _ids(sentences: list[str], vocabulary: list[str]) -> np.ndarray:
    """Word ids (B, T), padded with 0 after each sentence."""
    index = {w: i for i, w in enumerate(vocabulary)}
    rows = [[index[w] for w in s.split()] for s in sentences]
    out = np.zeros((len(rows), max(map(len, rows))), dtype=np.int64)
    for r, ids in enumerate(rows):
        out[r, :len(ids)] = ids
    return out


def build_model(source_size: int, target_size: int, units: int = 32, seed: int = 0) -> Any:
    """The encoder–decoder of the module docstring."""
    import seqlab
    from seqlab.layers import LSTM, Attention, Concatenate, Dense, Embedding, Input
    from seqlab.models import Model

    seqlab.set_random_seed(seed)
    source = Input((None,), dtype="int64", name="english")
    target = Input((None,), dtype="int64", name="korean_so_far")
    encoded, h, c = LSTM(units, return_sequences=True, return_state=True, name="encoder")(
        Embedding(source_size, 16, mask_zero=True, name="english_embedding")(source))
    decoded = LSTM(units, return_sequences=True, name="decoder")(
        Embedding(target_size, 16, mask_zero=True, name="korean_embedding")(target),
        initial_state=[h, c])
    context = Attention(name="attention")([decoded, encoded])
    output = Dense(target_size, activation="softmax", name="next_word")(
        Concatenate(name="context_and_state")([context, decoded]))
    return Model([source, target], output, name="toy_translator")


def train_toy(seed: int = 0, max_epochs: int = 200, learning_rate: float = 0.03
              ) -> ToyTranslator:
    """Train on :data:`PAIRS` until every next word is right (module docstring);
    raises RuntimeError if ``max_epochs`` full-batch epochs do not get there."""
    from seqlab.generate import Decoder
    from seqlab.optim import Adam
    from seqlab.text import shift_targets

    source_vocabulary, target_vocabulary = vocabularies()
    x = _ids([s for s, _ in PAIRS], source_vocabulary)
    fed, expected = shift_targets(_ids([t for _, t in PAIRS], target_vocabulary),
                                  target_vocabulary.index(START), target_vocabulary.index(END))
    model = build_model(len(source_vocabulary), len(target_vocabulary), seed=seed)
    model.compile(optimizer=Adam(learning_rate), loss="sparse_categorical_crossentropy")
    start = time.perf_counter()
    for epoch in range(1, max_epochs + 1):
        history = model.fit([x, fed], expected, batch_size=len(PAIRS), epochs=1, verbose=0,
                            shuffle=False)
        guessed = model.predict([x, fed], verbose=0).argmax(axis=-1)
        if np.all((guessed == expected) | (expected == 0)):
            break
    else:
        raise RuntimeError(f"train_toy: the toy translator did not learn its {len(PAIRS)} "
                           f"pairs in {max_epochs} epochs (seed {seed})")
    decoder = Decoder(model, start_token=target_vocabulary.index(START),
                      end_token=target_vocabulary.index(END))
    return ToyTranslator(model, decoder, source_vocabulary, target_vocabulary, epoch,
                         time.perf_counter() - start, float(history.history["loss"][-1]))


def pairs_table(toy: ToyTranslator) -> Any:
    """Every training pair with the model's greedy translation."""
    from seqlab.report.tables import Table

    found = toy.decoder.greedy([toy.encode(english) for english, _ in PAIRS])
    rows = []
    for (english, korean), h in zip(PAIRS, found):
        said = toy.words(h.tokens)
        rows.append([english, korean, said, "✓" if said == korean else "✗"])
    right = sum(r[-1] == "✓" for r in rows)
    return Table("the toy pairs and their greedy translations (학습 문장과 번역)",
                 ["English", "정답 (target)", "model (greedy)", ""], rows,
                 [(f"{right} of {len(rows)} pairs reproduced after {toy.epochs} full-batch "
                  f"epochs (Adam, final loss {toy.loss:.3g})")])


def translation_section(doc: Any, figures: bool = True, seed: int = 0) -> ToyTranslator:
    """Add the section to ``doc``: the pairs, then "I love you" decoded step by step."""
    from seqlab.report.figures import available
    from seqlab.trace.generation import record_generation

    toy = train_toy(seed)
    doc.add_text(
        f"Section 2's tiny RNN learned one sentence, one output word per input word. Here a "
        f"real encoder–decoder learns {len(PAIRS)} short pairs (word by word, 단어 단위): the encoder "
        "LSTM reads the English words; the decoder LSTM starts from its final states, reads "
        "<s> and the Korean words so far, attends to every encoder output (dot-product "
        "attention) and gives the next word's probabilities. Trained with teacher forcing "
        f"until every next word is right: {toy.epochs} epochs, {toy.seconds:.1f} s.")
    doc.add_table(pairs_table(toy))
    with record_generation(toy.decoder, vocabulary=toy.target_vocabulary,
                           source_vocabulary=toy.source_vocabulary, top=4) as tape:
        source = toy.encode(SENTENCE)
        toy.decoder.greedy(source)
        toy.decoder.beam_search(source, width=3)
    doc.add_heading(f"Greedy decoding of \"{SENTENCE}\": one word at a time (한 단어씩)", 3)
    doc.add_text("At every step the decoder feeds back the word it picked and takes the most "
                 "likely next one; the table shows the 4 most likely with their probabilities.")
    doc.add_tables(tape.tables(search=0, attention=False))
    doc.add_heading("Beam search, width 3: the beam at each step (빔 서치)", 3)
    doc.add_text("Beam search keeps the 3 best partial translations by Σ log p. Each step "
                 "extends them all and keeps the 3 best continuations that have not ended; one "
                 "that ends with </s> is finished and scored Σ log p / L (length penalty α = 1).")
    doc.add_tables(tape.tables(search=1, attention=False))
    doc.add_heading("Attention while decoding (어텐션)", 3)
    doc.add_text("Each row is where the decoder looked in the English sentence when it chose "
                 "that Korean word: the attention weights sum to 1 over the source words. "
                 f"A toy model learns whatever alignment fits its {len(PAIRS)} pairs; it need "
                 "not be word for word.")
    table = tape.attention_table(search=1)
    doc.add_table(table)
    if figures and available():
        doc.add_svg(tape.attention_figure(search=1).text(), caption=table.title)
    return toy
