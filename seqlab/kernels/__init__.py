"""seqlab.kernels: the Numba fast paths, each the twin of a readable NumPy reference.

Every hot loop has two implementations with the same arguments and results:
the reference in :mod:`seqlab.functional` (read it for the equations) and a
compiled twin here, tested equal to it. :data:`KERNELS` maps each equation to
both; :func:`chosen` returns the one that ``seqlab.config.kernels()`` selects
("numba", the default, or "numpy": ``with seqlab.use_kernels("numpy"): ...``).

==========================  =========================================  ================================
kernel                      reference (seqlab.functional)              fast (seqlab.kernels)
==========================  =========================================  ================================
dense/…backward             dense.dense/…backward                      dense.dense/…backward
scatter_add_rows            embedding.scatter_add_rows                 embedding.scatter_add_rows
input_projection            recurrent.input_projection                 projection.input_projection
input_backward              recurrent.input_backward                   projection.input_backward
simple_rnn_forward/…back…   recurrent.simple_rnn_forward/…backward     recurrent (rnn_loop.py)
lstm_forward/…backward      recurrent.lstm_forward/…backward           recurrent (lstm_loop.py)
gru_forward/…backward       recurrent.gru_forward/…backward            recurrent (gru_loop.py)
conv1d/…backward            conv.conv1d/…backward                      conv.conv1d/…backward
word2vec_train_job          word2vec.train_job                         word2vec.train_job
==========================  =========================================  ================================

Below them: :mod:`.jit` (how everything is compiled and cached),
:mod:`.fastmath` (vectorisable activations), :mod:`.smallgemm` and
:mod:`.step_products` (the products inside a time loop), :mod:`.rowops`
(row-block helpers), :mod:`.bundles` (the loops' named arguments),
:mod:`.threads` (row blocks on threads).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from seqlab import config
from seqlab.functional import conv as conv_reference
from seqlab.functional import recurrent as recurrent_reference
from seqlab.functional import word2vec as word2vec_reference
from seqlab.functional.dense import dense as dense_reference
from seqlab.functional.dense import dense_backward as dense_backward_reference
from seqlab.functional.embedding import scatter_add_rows
from seqlab.kernels import conv as conv_fast
from seqlab.kernels import dense as dense_fast
from seqlab.kernels import embedding as embedding_fast
from seqlab.kernels import projection
from seqlab.kernels import recurrent as recurrent_fast
from seqlab.kernels import word2vec as word2vec_fast


@dataclass(frozen=True)
class Kernel:
    """One equation with its two implementations (same arguments, same results)."""

    equation: str
    reference: Callable[..., Any]
    fast: Callable[..., Any]


def _recurrent(name: str, equation: str) -> Kernel:
    return Kernel(equation, getattr(recurrent_reference, name), getattr(recurrent_fast, name))


KERNELS: dict[str, Kernel] = {
    "dense": Kernel("y = x W + b", dense_reference, dense_fast.dense),
    "dense_backward": Kernel("dx = dy Wᵀ, dW = xᵀ dy, db = Σ dy",
                             dense_backward_reference, dense_fast.dense_backward),
    "scatter_add_rows": Kernel("dW[ids[n]] += dy[n] (the embedding's gradient)",
                               scatter_add_rows, embedding_fast.scatter_add_rows),
    "input_projection": Kernel("xw_t = x_t W + b, time-major",
                               recurrent_reference.input_projection, projection.input_projection),
    "input_backward": Kernel("dx = dxw Wᵀ, dW = Σ_t x_tᵀ dxw_t, db = Σ dxw_t",
                             recurrent_reference.input_backward, projection.input_backward),
    "simple_rnn_forward": _recurrent("simple_rnn_forward", "h_t = act(xw_t + ĥ_{t−1} U)"),
    "simple_rnn_backward": _recurrent("simple_rnn_backward",
                                      "da_t = act'(y_t) ⊙ dh_t, dh_{t−1} = (da_t Uᵀ) ⊙ m_h"),
    "lstm_forward": _recurrent("lstm_forward",
                               "c_t = f ⊙ c_{t−1} + i ⊙ g, h_t = o ⊙ act(c_t)"),
    "lstm_backward": _recurrent("lstm_backward", "dc_{t−1} = dc ⊙ f, dh_{t−1} = (da Uᵀ) ⊙ m_h"),
    "gru_forward": _recurrent("gru_forward", "h_t = z ⊙ h_{t−1} + (1 − z) ⊙ h̃"),
    "gru_backward": _recurrent("gru_backward", "dh_{t−1} = dĥ ⊙ m_h + dh ⊙ z"),
    "conv1d": Kernel("y[b, t] = Σ_k x[b, t·s + k·r − p] W_k + b",
                     conv_reference.conv1d, conv_fast.conv1d),
    "conv1d_backward": Kernel("dW = Xᵀ dY, dX = dY W₂ᵀ then col2im",
                              conv_reference.conv1d_backward, conv_fast.conv1d_backward),
    "word2vec_train_job": Kernel("SGD on log σ(v_o·h) + Σ_noise log σ(−v_n·h)",
                                 word2vec_reference.train_job, word2vec_fast.train_job),
}


def chosen(name: str) -> Callable[..., Any]:
    """The implementation of kernel ``name`` that ``seqlab.config.kernels()`` selects."""
    entry = KERNELS[name]
    return entry.fast if config.kernels() == "numba" else entry.reference


__all__ = ["KERNELS", "Kernel", "chosen"]
