"""examples/ddp_train.py: DistributedDataParallel training of an exported model.

torchrun starts 2 processes on the gloo backend (CPU). Their training must be
single-process training on the same global batches: the test trains the same
model in seqlab, in one process, with ``train_on_batch`` and seqlab's SGD, and
compares the weights; then the saved ``.seqlab`` file must predict what the
trained torch module predicted."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="DDP training needs PyTorch "
                                            "(pip install torch==2.13.0)")
if not (torch.distributed.is_available() and torch.distributed.is_gloo_available()):
    pytest.skip("this torch build has no torch.distributed with the gloo backend",
                allow_module_level=True)

from seqlab.models import load_model
from seqlab.optim import SGD

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "examples" / "ddp_train.py"
SETTINGS = {"samples": 72, "maxlen": 12, "vocab": 30, "units": 6, "batch_size": 12,
            "epochs": 3, "lr": 0.5, "momentum": 0.9, "seed": 3}


def load_example():
    spec = importlib.util.spec_from_file_location("ddp_train", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def torchrun(out: Path, nproc: int, **overrides) -> subprocess.CompletedProcess:
    settings = {**SETTINGS, **overrides}
    args = [f"--{k.replace('_', '-')}={v}" for k, v in settings.items()]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get(
        "PYTHONPATH", "")]), "OMP_NUM_THREADS": "1"}
    return subprocess.run(
        [sys.executable, "-m", "torch.distributed.run", "--standalone",
         f"--nproc_per_node={nproc}", str(SCRIPT), f"--out={out}", "--dtype=float64", *args],
        capture_output=True, text=True, timeout=300, env=env, cwd=REPO, check=False)


def seqlab_single_process(example) -> tuple[object, list[float]]:
    """The same training in seqlab: one process, whole global batches, SGD."""
    s = SETTINGS
    ids, labels = example.synthetic_reviews(s["samples"], s["maxlen"], s["vocab"], s["seed"])
    model = example.build_model(s["vocab"], s["maxlen"], s["units"], "float64", s["seed"])
    model.compile(SGD(s["lr"], momentum=s["momentum"]), "binary_crossentropy")
    history = []
    for epoch in range(s["epochs"]):
        losses = [model.train_on_batch(ids[batch], labels[batch][:, None])
                  for batch in example.global_batches(s["samples"], s["batch_size"], epoch,
                                                      s["seed"])]
        history.append(float(np.mean(losses)))
    return model, history


def test_two_gloo_processes_train_what_one_process_trains(tmp_path):
    example = load_example()
    run = torchrun(tmp_path, nproc=2)
    assert run.returncode == 0, run.stdout + run.stderr
    trained = load_model(tmp_path / "model.seqlab")
    reference, history = seqlab_single_process(example)
    s = SETTINGS
    initial = example.build_model(s["vocab"], s["maxlen"], s["units"], "float64", s["seed"])

    for p, got, start in zip(reference.weights, trained.get_weights(), initial.get_weights()):
        assert np.abs(got - start).max() > 1e-3, f"{p.name} did not train"
        np.testing.assert_allclose(got, p.value, rtol=0, atol=1e-9, err_msg=p.name)
    logged = json.loads((tmp_path / "history.json").read_text(encoding="utf-8"))["loss"]
    np.testing.assert_allclose(logged, history, rtol=0, atol=1e-9)

    ids, _ = example.synthetic_reviews(s["samples"], s["maxlen"], s["vocab"], s["seed"])
    torch_predictions = np.load(tmp_path / "torch_predictions.npy")
    np.testing.assert_allclose(trained.predict(ids), torch_predictions, rtol=0, atol=1e-12)


def test_a_world_size_that_does_not_divide_the_batch_is_refused(tmp_path, monkeypatch, capsys):
    """Checked before any process group is made (torchrun's environment stands in)."""
    example = load_example()
    monkeypatch.setenv("WORLD_SIZE", "2")
    monkeypatch.setenv("RANK", "1")
    with pytest.raises(SystemExit) as exit_info:
        example.main([f"--out={tmp_path}", "--batch-size=9"])
    assert exit_info.value.code == 2
    assert "the global batch size 9 is not divisible by the world size 2" in capsys.readouterr().err
    assert not any(tmp_path.iterdir())
    with pytest.raises(ValueError, match="use a multiple of 4"):
        example.check_world_size(10, 4)
    assert example.check_world_size(12, 4) == 3
