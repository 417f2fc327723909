"""seqlab.generate: decoding from a trained model, one token at a time.

    from seqlab.generate import Decoder

    decoder = Decoder(model, start_token=start_id, end_token=end_id)
    best = decoder.greedy(source_ids, max_length=40)
    n_best = decoder.beam_search(source_ids, width=5, num_return_sequences=3)
    samples = decoder.sample(prompt=prompt_ids, temperature=0.8, top_p=0.9, seed=0)

``model`` is the trained encoder–decoder (a functional ``Model`` whose decoder
reads its own previous tokens) or language model, unchanged: the decoder
finds the part of the graph to step and carries its recurrent states
(:mod:`.graph`, :mod:`.stepper`).
"""

from seqlab.generate.decoder import Decoder
from seqlab.generate.graph import DecoderGraph, split_model
from seqlab.generate.hypothesis import Hypothesis
from seqlab.generate.step_rules import NotSteppableError, register_step_kind
from seqlab.generate.stepper import Stepper

__all__ = [
    "Decoder",
    "DecoderGraph",
    "Hypothesis",
    "NotSteppableError",
    "Stepper",
    "register_step_kind",
    "split_model",
]
