"""The translation model: a GRU encoder–decoder with attention, trained with teacher forcing.

    source ids ─ Embedding(mask_zero) ─ [Dropout] ─ encoder GRU (or Bidirectional GRU)
                                                     │ outputs h_1..h_S     │ last state(s)
    target ids ─ Embedding(mask_zero) ─ [Dropout] ─ decoder GRU ◀─ initial state
    (start id first)                                 │ outputs d_t
                             Attention / AdditiveAttention(query d_t, values h_1..h_S)
                                                     │ context c_t (padded source steps weigh 0)
                          Concatenate([d_t, c_t]) ─ [Dropout] ─ Dense(V_target, softmax)

A bidirectional encoder concatenates its forward and backward last states,
so the decoder GRU has twice the encoder's units. Dot-product attention needs
d_t and h_s of the same size, which this gives too.

The model is a plain functional ``Model([source, target_in], probs)``;
:class:`seqlab.generate.Decoder` steps it as it is.
"""

from __future__ import annotations

from typing import Any

import seqlab
from seqlab import checks
from seqlab.layers import (
    GRU,
    AdditiveAttention,
    Attention,
    Bidirectional,
    Concatenate,
    Dense,
    Dropout,
    Embedding,
    Input,
)
from seqlab.translate.sides import TextSide

__all__ = ["build_model"]

ATTENTIONS = {"dot": Attention, "additive": AdditiveAttention}


def build_model(source: TextSide, target: TextSide, *, embedding_dim: int = 64,
                units: int = 128, bidirectional: bool = True, dropout: float = 0.0,
                attention: str = "dot", learning_rate: float = 0.001) -> Any:
    """The compiled encoder–decoder for ``source`` → ``target`` (see the module docstring);
    Adam, padding-aware sparse categorical cross-entropy and accuracy."""
    who = "build_model"
    embedding_dim = checks.positive_int(who, "embedding_dim", embedding_dim)
    units = checks.positive_int(who, "units", units)
    dropout = checks.rate(who, "dropout", dropout)
    attention_layer = ATTENTIONS[checks.choice(who, "attention", attention, tuple(ATTENTIONS))]
    bidirectional = checks.choice(who, "bidirectional", bidirectional, (True, False))

    def dropped(x: Any, name: str) -> Any:
        return Dropout(dropout, name=name)(x) if dropout > 0 else x

    source_ids = Input((None,), dtype="int64", name="source")
    target_ids = Input((None,), dtype="int64", name="target_in")
    x = dropped(Embedding(len(source), embedding_dim, mask_zero=True,
                          name="source_embedding")(source_ids), "source_dropout")
    if bidirectional:
        encoded, forward, backward = Bidirectional(
            GRU(units, return_sequences=True, return_state=True), name="encoder")(x)
        state = Concatenate(name="encoder_state")([forward, backward])
    else:
        encoded, state = GRU(units, return_sequences=True, return_state=True,
                             name="encoder")(x)
    y = dropped(Embedding(len(target), embedding_dim, mask_zero=True,
                          name="target_embedding")(target_ids), "target_dropout")
    decoded = GRU(state.shape[-1], return_sequences=True, name="decoder")(y, initial_state=state)
    context = attention_layer(name="attention")([decoded, encoded])
    merged = dropped(Concatenate(name="decoder_context")([decoded, context]), "output_dropout")
    probs = Dense(len(target), activation="softmax", name="next_token")(merged)
    model = seqlab.Model([source_ids, target_ids], probs, name="translator")
    model.compile(optimizer=seqlab.optim.Adam(learning_rate=learning_rate),
                  loss="sparse_categorical_crossentropy", metrics=["acc"])
    return model
