"""Attention layers: Luong (dot-product) and Bahdanau (additive), as Keras has them.

Called on ``[query, value]`` or ``[query, value, key]`` (the key defaults to
the value): query Q (B, Tq, D), value V (B, Tv, Dv), key K (B, Tv, D). With
the scores e (B, Tq, Tv) of the layer (below), the score mask M, the query
mask m^q (B, Tq) and dropout r (training only):

    a_ij = M_ij exp(e_ij) / Σ_j' M_ij' exp(e_ij')     softmax over the value steps j
    c_i  = Σ_j (a ⊙ r)_ij v_j                          context (B, Tq, Dv)
    o_i  = m^q_i · c_i                                 output; 0 at padded query steps

M_ij = m^v_j ∧ (i ≥ j if use_causal_mask): a padded value step gets exactly zero
weight. Keras subtracts 1e9 from masked scores instead, which gives the same
weights except on a row with no valid step: seqlab gives that row zero weights
(and a zero context) where Keras would attend to the padding.

``mask=[query_mask, value_mask]`` (from the layers before, in a functional
model); a third entry, the key's mask, is combined with the value mask (they
mark the same steps). The output carries the query's mask, as in Keras.
``return_attention_scores=True`` also returns a ⊙ r (B, Tq, Tv).

The equations of the scores and every backward step are in
:mod:`seqlab.functional.attention`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from seqlab import checks
from seqlab.functional.attention import (
    additive_scores,
    additive_scores_backward,
    attend,
    attend_backward,
    dot_scores,
    dot_scores_backward,
    score_mask,
)
from seqlab.functional.dropout import dropout_mask
from seqlab.layers.base import Layer, Parameter
from seqlab.layers.merge import check_input_list

CALL_OPTIONS = ("return_attention_scores", "use_causal_mask")


def _flag(who: str, arg: str, value: Any) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{who}: {arg} must be True or False, got {value!r}")
    return bool(value)


def _value_of(param: Parameter | None) -> np.ndarray | None:
    return None if param is None else param.value


class Attention(Layer):
    """Dot-product attention (Luong), Keras' ``Attention``.

    Scores, with s the trainable scalar ``scale`` (``use_scale=True``, starts at
    1; otherwise s = 1) and w the trainable scalar ``concat_score_weight``:

        score_mode="dot"      e_ij = s · (q_i · k_j)
        score_mode="concat"   e_ij = w · Σ_d tanh(s · (q_id + k_jd))

    ``dropout`` drops attention weights in training (``seed`` fixes the draws).
    """

    supports_masking = True

    def __init__(self, use_scale: bool = False, score_mode: str = "dot", dropout: float = 0.0,
                 **kwargs: Any):
        super().__init__(**kwargs)
        who = f"{type(self).__name__} {self.name!r}"
        self.use_scale = _flag(who, "use_scale", use_scale)
        self.score_mode = checks.choice(who, "score_mode", score_mode, ("dot", "concat"))
        self.dropout = checks.rate(who, "dropout", dropout)
        self.scale: Parameter | None = None
        self.concat_score_weight: Parameter | None = None
        self._returns_scores = False

    # ------------------------------------------------------------ shapes
    def _check_shapes(self, shapes: Sequence[Sequence[int | None]]) -> None:
        kind = f"layer {self.name!r} ({type(self).__name__})"
        check_input_list(self, shapes, 2, 3, "[query, value] or [query, value, key]")
        for name, shape in zip(("query", "value", "key"), shapes):
            if len(shape) != 3:
                raise ValueError(f"{kind}: {name} must have rank 3 (batch, steps, features), "
                                 f"got shape {tuple(shape)}")
        query, value = shapes[0], shapes[1]
        key = shapes[2] if len(shapes) == 3 else value

        def differ(a: int | None, b: int | None) -> bool:
            return a is not None and b is not None and a != b

        if differ(query[-1], key[-1]):
            raise ValueError(f"{kind}: query and key must have the same last dimension, got "
                             f"query {tuple(query)} and key {tuple(key)}")
        if differ(value[1], key[1]):
            raise ValueError(f"{kind}: value and key must have the same number of steps, got "
                             f"value {tuple(value)} and key {tuple(key)}")
        if any(differ(query[0], s[0]) for s in shapes[1:]):
            raise ValueError(f"{kind}: inputs must have one batch size, got shapes "
                             f"{[tuple(s) for s in shapes]}")

    def build(self, input_shape: Any) -> None:
        self._check_shapes(input_shape)
        self._build_score_weights(input_shape[0][-1])
        self.built = True

    def _build_score_weights(self, features: int | None) -> None:
        if self.use_scale:
            self.scale = self.add_weight("scale", (), "ones")
        if self.score_mode == "concat":
            self.concat_score_weight = self.add_weight("concat_score_weight", (), "ones")

    def compute_output_shape(self, input_shape: Any) -> Any:
        self._check_shapes(input_shape)
        query, value = input_shape[0], input_shape[1]
        out = (*tuple(query)[:-1], value[-1])
        if self._returns_scores:
            return [out, (query[0], query[1], value[1])]
        return out

    # ------------------------------------------------------------ scores
    def _scores(self, query: np.ndarray, key: np.ndarray) -> tuple[np.ndarray, Any]:
        if self.score_mode == "dot":
            return dot_scores(query, key, _value_of(self.scale))
        return additive_scores(query, key, _value_of(self.concat_score_weight),
                               _value_of(self.scale))

    def _scores_backward(self, dscores: np.ndarray, cache: Any
                         ) -> tuple[np.ndarray, np.ndarray]:
        if self.score_mode == "dot":
            dquery, dkey, dscale = dot_scores_backward(dscores, cache)
            dweight = None
        else:
            dquery, dkey, dweight, dscale = additive_scores_backward(dscores, cache)
        for param, grad in ((self.scale, dscale), (self.concat_score_weight, dweight)):
            if self.trains(param):
                param.grad += grad
        return dquery, dkey

    # ------------------------------------------------------------- calls
    def __call__(self, inputs: Any, *, training: bool = False, mask: Any = None,
                 **kwargs: Any) -> Any:
        unknown = sorted(set(kwargs) - set(CALL_OPTIONS))
        if unknown:
            raise TypeError(f"layer {self.name!r} ({type(self).__name__}): unknown call "
                            f"argument(s) {unknown}; it takes {list(CALL_OPTIONS)}")
        who = f"layer {self.name!r} ({type(self).__name__})"
        for arg in CALL_OPTIONS:
            _flag(who, arg, kwargs.get(arg, False))
        # remembered for compute_output_shape: one or two outputs
        self._returns_scores = bool(kwargs.get("return_attention_scores", False))
        return super().__call__(inputs, training=training, mask=mask, **kwargs)

    def _split_mask(self, mask: Any, inputs: list[np.ndarray]
                    ) -> tuple[np.ndarray | None, np.ndarray | None]:
        """(query mask (B, Tq), value mask (B, Tv)) from ``mask``."""
        if mask is None:
            return None, None
        kind = f"layer {self.name!r} ({type(self).__name__})"
        if not isinstance(mask, (list, tuple)) or not 2 <= len(mask) <= 3:
            raise ValueError(f"{kind}: mask must be a list [query_mask, value_mask], got "
                             f"{type(mask).__name__}")
        masks = [None if m is None else np.asarray(m, dtype=bool) for m in mask]
        query_steps, value_steps = inputs[0].shape[:2], inputs[1].shape[:2]
        for name, m, steps in zip(("query_mask", "value_mask", "key_mask"), masks,
                                  (query_steps, value_steps, value_steps)):
            if m is not None and m.shape != steps:
                raise ValueError(f"{kind}: {name} must have shape {steps} (batch, steps), "
                                 f"got {m.shape}")
        query_mask, value_mask = masks[0], masks[1]
        if len(masks) == 3 and masks[2] is not None:
            value_mask = masks[2] if value_mask is None else value_mask & masks[2]
        return query_mask, value_mask

    def call(self, inputs: Any, training: bool = False, mask: Any = None,
             return_attention_scores: bool = False, use_causal_mask: bool = False) -> Any:
        check_input_list(self, inputs, 2, 3, "[query, value] or [query, value, key]")
        self._check_shapes([x.shape for x in inputs])
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) == 3 else value
        query_mask, value_mask = self._split_mask(mask, inputs)
        scores, score_cache = self._scores(query, key)
        allowed = score_mask(value_mask, query.shape[1], value.shape[1], use_causal_mask)
        drop = None
        if training and self.dropout > 0:
            drop = dropout_mask(scores.shape, self.dropout, self.rng, scores.dtype)
        (context, weights), attend_cache = attend(scores, value, allowed, drop)
        keep = None if query_mask is None else query_mask[..., None].astype(context.dtype)
        out = context if keep is None else context * keep  # (B, Tq, Dv)
        self._cache = (score_cache, attend_cache, keep, len(inputs))
        return [out, weights] if return_attention_scores else out

    def backward(self, dout: Any) -> list[np.ndarray]:
        score_cache, attend_cache, keep, n_inputs = self._require_cache()
        dcontext, dweights = dout if isinstance(dout, (list, tuple)) else (dout, None)
        if dcontext is not None and keep is not None:
            dcontext = dcontext * keep
        dscores, dvalue = attend_backward((dcontext, dweights), attend_cache)
        dquery, dkey = self._scores_backward(dscores, score_cache)
        if n_inputs == 3:
            return [dquery, dvalue, dkey]
        return [dquery, dvalue + dkey]  # the value served as the key too

    def compute_mask(self, inputs: Any, mask: Any = None) -> Any:
        query_mask = mask[0] if isinstance(mask, (list, tuple)) and mask else None
        return [query_mask, None] if self._returns_scores else query_mask

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "use_scale": self.use_scale,
                "score_mode": self.score_mode, "dropout": self.dropout}


class AdditiveAttention(Attention):
    """Additive attention (Bahdanau), Keras' ``AdditiveAttention``:

        e_ij = Σ_d w_d tanh(q_id + k_jd)

    with w (D,) the trainable ``scale`` (``use_scale=True``, glorot-uniform) or
    w = 1. Bahdanau's vᵀ tanh(W_1 q + W_2 k) is this layer after two Dense
    layers (W_1 on the query, W_2 on the key), as in Keras.
    """

    def __init__(self, use_scale: bool = True, dropout: float = 0.0, **kwargs: Any):
        if "score_mode" in kwargs:
            raise TypeError("AdditiveAttention takes no score_mode: its scores are additive")
        super().__init__(use_scale=use_scale, dropout=dropout, **kwargs)

    def _build_score_weights(self, features: int | None) -> None:
        if self.use_scale:
            if features is None:
                raise ValueError(f"layer {self.name!r} (AdditiveAttention): the query's last "
                                 "dimension must be known to build the scale")
            self.scale = self.add_weight("scale", (features,), "glorot_uniform")

    def _scores(self, query: np.ndarray, key: np.ndarray) -> tuple[np.ndarray, Any]:
        return additive_scores(query, key, _value_of(self.scale))

    def _scores_backward(self, dscores: np.ndarray, cache: Any
                         ) -> tuple[np.ndarray, np.ndarray]:
        dquery, dkey, dweight, _ = additive_scores_backward(dscores, cache)
        if self.trains(self.scale):
            self.scale.grad += dweight
        return dquery, dkey

    def get_config(self) -> dict[str, Any]:
        cfg = super().get_config()
        del cfg["score_mode"]
        return cfg
