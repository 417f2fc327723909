"""Write the PyTorch golden files of attention and of the padding-aware loss.

    python scripts/make_golden_attention.py   # needs torch; writes tests/reference/golden/

The same layout as scripts/make_golden.py (float64, inputs from seeded NumPy
generators, L = Σ out · R for fixed random R), for:

    attention_dot.npz        softmax(s · Q Kᵀ, value mask) V, query mask on the output
    attention_additive.npz   softmax(Σ_d w_d tanh(q_id + k_jd), value mask) V, written
                             with torch autograd
    loss_sparse_cce_ignore_pad.npz
                             F.cross_entropy(logits (B, T, V), ids, ignore_index=0), and the
                             same from probabilities (nll_loss of the log of p / Σp, as
                             Keras normalises them)

Masked scores are set to −inf before the softmax (every row keeps a valid step).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

OUT = Path(__file__).resolve().parents[1] / "tests" / "reference" / "golden"
SEED = 20241
B, TQ, TV, D, DV, V = 2, 3, 4, 5, 3, 6


def rng_for(name: str) -> np.random.Generator:
    return np.random.default_rng([SEED, sum(name.encode())])


def t(a: np.ndarray, grad: bool = False) -> torch.Tensor:
    return torch.tensor(a, dtype=torch.float64, requires_grad=grad)


def save(name: str, arrays: dict[str, np.ndarray]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUT / f"{name}.npz", **{k: np.asarray(v) for k, v in arrays.items()})


def masks() -> tuple[np.ndarray, np.ndarray]:
    query_mask = np.ones((B, TQ), dtype=bool)
    query_mask[1, 2] = False
    value_mask = np.ones((B, TV), dtype=bool)
    value_mask[0, 2:] = False
    value_mask[1, 0] = False
    return query_mask, value_mask


def make_attention(name: str, score: str) -> None:
    rng = rng_for(name)
    q = t(rng.standard_normal((B, TQ, D)), grad=True)
    v = t(rng.standard_normal((B, TV, DV)), grad=True)
    k = t(rng.standard_normal((B, TV, D)), grad=True)
    w = t(rng.uniform(0.5, 1.5, () if score == "dot" else (D,)), grad=True)
    query_mask, value_mask = masks()
    if score == "dot":
        scores = w * (q @ k.transpose(1, 2))  # (B, TQ, TV)
    else:
        scores = (w * torch.tanh(q[:, :, None, :] + k[:, None, :, :])).sum(-1)
    scores = scores.masked_fill(~torch.tensor(value_mask)[:, None, :], float("-inf"))
    weights = torch.softmax(scores, dim=-1)
    out = (weights @ v) * torch.tensor(query_mask, dtype=torch.float64)[..., None]
    r_out, r_weights = rng.standard_normal(out.shape), rng.standard_normal(weights.shape)
    ((out * t(r_out)).sum() + (weights * t(r_weights)).sum()).backward()
    save(name, {"q": q.detach().numpy(), "v": v.detach().numpy(), "k": k.detach().numpy(),
                "scale": w.detach().numpy(), "query_mask": query_mask, "value_mask": value_mask,
                "out/y": out.detach().numpy(), "out/weights": weights.detach().numpy(),
                "dout/y": r_out, "dout/weights": r_weights, "grad/q": q.grad.numpy(),
                "grad/v": v.grad.numpy(), "grad/k": k.grad.numpy(),
                "grad/scale": w.grad.numpy()})


def make_masked_loss() -> None:
    rng = rng_for("loss_sparse_cce_ignore_pad")
    ids = rng.integers(1, V, (B, TQ + 2))
    ids[0, 3:] = 0  # padding at the end of sample 0
    ids[1, 4:] = 0
    logits = t(rng.standard_normal((B, TQ + 2, V)) * 2, grad=True)
    probs_np = np.exp(rng.standard_normal((B, TQ + 2, V)))
    probs_np /= probs_np.sum(-1, keepdims=True)
    probs = t(probs_np, grad=True)
    target = torch.tensor(ids)
    from_logits = F.cross_entropy(logits.reshape(-1, V), target.reshape(-1), ignore_index=0)
    log_probs = torch.log(probs / probs.sum(-1, keepdim=True))  # Keras normalises by the sum
    from_probs = F.nll_loss(log_probs.reshape(-1, V), target.reshape(-1), ignore_index=0)
    (from_logits + from_probs).backward()
    save("loss_sparse_cce_ignore_pad",
         {"y_true": ids, "logits": logits.detach().numpy(), "probs": probs_np,
          "loss/logits": from_logits.detach().numpy(), "loss/probs": from_probs.detach().numpy(),
          "grad/logits": logits.grad.numpy(), "grad/probs": probs.grad.numpy()})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    torch.use_deterministic_algorithms(True)
    make_attention("attention_dot", "dot")
    make_attention("attention_additive", "additive")
    make_masked_loss()
    print(f"wrote attention_dot, attention_additive, loss_sparse_cce_ignore_pad to {OUT}")


if __name__ == "__main__":
    main()
