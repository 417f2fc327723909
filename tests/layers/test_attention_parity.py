"""Attention against PyTorch (float64): the golden files of scripts/make_golden_attention.py
(no torch needed) and, when torch is importable, the same formulas live.

Dot:       softmax(s · Q Kᵀ with padded value steps at −inf) V, zero at padded queries
Additive:  softmax(Σ_d w_d tanh(q_id + k_jd), same masking) V, through torch autograd
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from seqlab.layers import AdditiveAttention, Attention

GOLDEN = Path(__file__).resolve().parents[1] / "reference" / "golden"


def close(what: str, got, want) -> None:
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-6, atol=1e-9, err_msg=what)


def run_seqlab(kind: str, g: dict[str, np.ndarray]) -> None:
    """Check the layer's outputs and gradients against the arrays of ``g``."""
    layer = (Attention(use_scale=True, dtype="float64") if kind == "dot"
             else AdditiveAttention(dtype="float64"))
    xs = [g["q"], g["v"], g["k"]]
    layer.build([x.shape for x in xs])
    layer.scale.assign(g["scale"])
    out, weights = layer(xs, mask=[g["query_mask"], g["value_mask"]],
                         return_attention_scores=True)
    close("output", out, g["out/y"])
    close("attention weights", weights, g["out/weights"])
    layer.zero_grad()
    dq, dv, dk = layer.backward([g["dout/y"], g["dout/weights"]])
    for name, got in (("q", dq), ("v", dv), ("k", dk), ("scale", layer.scale.grad)):
        close(f"gradient of {name}", got, g[f"grad/{name}"])


@pytest.mark.parametrize("kind", ["dot", "additive"])
def test_golden(kind):
    path = GOLDEN / f"attention_{kind}.npz"
    if not path.exists():
        pytest.fail(f"golden file {path.name} is missing: run scripts/make_golden_attention.py")
    with np.load(path, allow_pickle=False) as f:
        run_seqlab(kind, {k: f[k] for k in f.files})


@pytest.mark.parametrize("kind", ["dot", "additive"])
@pytest.mark.parametrize("seed", [0, 1])
def test_live_torch(kind, seed):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(seed)
    B, TQ, TV, D, DV = 3, 4, 5, 6, 2
    arrays = {"q": rng.standard_normal((B, TQ, D)), "v": rng.standard_normal((B, TV, DV)),
              "k": rng.standard_normal((B, TV, D)),
              "scale": rng.uniform(0.5, 1.5, () if kind == "dot" else (D,)),
              "query_mask": rng.random((B, TQ)) > 0.3,
              "value_mask": np.arange(TV)[None, :] < rng.integers(1, TV + 1, (B, 1))}
    q, v, k, w = (torch.tensor(arrays[n], requires_grad=True) for n in ("q", "v", "k", "scale"))
    if kind == "dot":
        scores = w * (q @ k.transpose(1, 2))
    else:
        scores = (w * torch.tanh(q[:, :, None, :] + k[:, None, :, :])).sum(-1)
    padded = ~torch.tensor(arrays["value_mask"])[:, None, :]
    weights = torch.softmax(scores.masked_fill(padded, float("-inf")), dim=-1)
    out = (weights @ v) * torch.tensor(arrays["query_mask"], dtype=torch.float64)[..., None]
    r_out, r_weights = rng.standard_normal(out.shape), rng.standard_normal(weights.shape)
    ((out * torch.tensor(r_out)).sum() + (weights * torch.tensor(r_weights)).sum()).backward()
    arrays.update({"out/y": out.detach().numpy(), "out/weights": weights.detach().numpy(),
                   "dout/y": r_out, "dout/weights": r_weights})
    arrays.update({f"grad/{n}": t.grad.numpy() for n, t in zip(("q", "v", "k", "scale"),
                                                                 (q, v, k, w))})
    run_seqlab(kind, arrays)
