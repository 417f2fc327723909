"""The padding-aware sparse cross-entropy against torch's
``F.cross_entropy(logits, ids, ignore_index=0)`` (float64): the golden file of
scripts/make_golden_attention.py, and live when torch is importable."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from seqlab import losses
from seqlab.models import sample_weights

GOLDEN = Path(__file__).resolve().parent / "reference" / "golden" / \
    "loss_sparse_cce_ignore_pad.npz"


def check(ids: np.ndarray, y_pred: np.ndarray, from_logits: bool, loss_want: float,
          grad_want: np.ndarray) -> None:
    """Both ways of leaving padding out: ``ignore_class=0``, and the output mask
    (ids != 0) that ``fit`` passes."""
    by_class = losses.SparseCategoricalCrossentropy(from_logits=from_logits, ignore_class=0)
    plain = losses.SparseCategoricalCrossentropy(from_logits=from_logits)
    for how, (value, grad) in {
        "ignore_class": by_class.value_and_grad(ids, y_pred),
        "output mask": sample_weights.value_and_grad(plain, ids, y_pred, mask=ids != 0),
    }.items():
        np.testing.assert_allclose(value, loss_want, rtol=1e-10, err_msg=how)
        np.testing.assert_allclose(grad, grad_want, rtol=1e-8, atol=1e-12, err_msg=how)


@pytest.mark.parametrize("inputs", ["logits", "probs"])
def test_golden(inputs):
    if not GOLDEN.exists():
        pytest.fail(f"golden file {GOLDEN.name} is missing: run scripts/make_golden_attention.py")
    with np.load(GOLDEN, allow_pickle=False) as g:
        check(g["y_true"], g[inputs], inputs == "logits", float(g[f"loss/{inputs}"]),
              g[f"grad/{inputs}"])


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_live_torch(seed):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(seed)
    B, T, V = 4, 7, 5
    ids = rng.integers(1, V, (B, T)) * (np.arange(T) < rng.integers(1, T + 1, (B, 1)))
    logits = torch.tensor(rng.standard_normal((B, T, V)) * 3, requires_grad=True)
    loss = torch.nn.functional.cross_entropy(logits.reshape(-1, V),
                                             torch.tensor(ids).reshape(-1), ignore_index=0)
    loss.backward()
    check(ids, logits.detach().numpy(), True, loss.item(), logits.grad.numpy())
