"""seqlab.talk: the seed talk's own material, built on seqlab and its tracing tool.

- :mod:`.seed` — the worked RNN "I love you" → "난 널 사랑해" with the talk's
  W (3×4), U (3×3) and B (3); its loop tables, BPTT by hand and training;
  :mod:`.seed_check` compares every printed number with the talk's tables.
- :mod:`.handprop` — backpropagation by hand on small graphs (add distributes
  the gradient, multiply swaps it, tanh′ = 1 − tanh²), drawn by
  :mod:`.handprop_svg`.
- :mod:`.flowdemo` — vanishing and exploding gradients: SimpleRNN vs LSTM vs GRU.
- :mod:`.sejong` — LSTM and GRU gates over "세종은 1443년에 …".
- :mod:`.translation_toy` — a toy encoder–decoder with attention learns "I love
  you" → "난 널 사랑해"; greedy and beam decoding traced step by step.
- :mod:`.reports` and :mod:`.tour` — all of it as one report (``seqlab tour``).

The tools themselves (record, gradient flow, gate maps) live in
:mod:`seqlab.trace`; nothing outside this package and the command line
imports it.
"""
