"""Train one model of a comparison's panel, with the budget every model of the panel gets.

The global seed is set to the comparison's seed before the model is built,
so each model starts the same way whatever ran before it. RMSprop with its
defaults (the book's optimizer); ``epochs`` epochs of ``batch_size`` samples,
shuffled with the seed; the validation split scored after every epoch. The
weights of the best validation epoch (highest accuracy, or lowest MAE) are
kept (``EarlyStopping(restore_best_weights=True)`` with a patience as long as
the training, so it never stops early); the test split is scored with them,
and they are what ``model-KEY.seqlab`` holds. Time per epoch is the median
over the epochs (training and validation), so one epoch slowed by loading
compiled kernels does not count.
"""

from __future__ import annotations

import statistics
from typing import Any

import seqlab
from seqlab.callbacks import CSVLogger, EarlyStopping
from seqlab.experiments.panel import Candidate
from seqlab.experiments.panel_data import PanelData
from seqlab.experiments.results import read_history
from seqlab.experiments.rundir import RunFolder
from seqlab.experiments.runner import EpochClock

__all__ = ["train_candidate"]


def train_candidate(candidate: Candidate, data: PanelData, folder: RunFolder, epochs: int,
                    batch_size: int, seed: int, verbose: int = 0) -> dict[str, Any]:
    """Train, score and save ``candidate``; its row of the panel."""
    x, y = data.inputs[candidate.inputs], data.targets
    seqlab.set_random_seed(seed)
    model = seqlab.Sequential(candidate.build(), name=candidate.key)
    metrics = ["acc"] if data.higher_is_better else None
    model.compile(optimizer=seqlab.optim.RMSprop(), loss=data.loss, metrics=metrics)
    monitor = "val_acc" if data.higher_is_better else "val_loss"
    seconds: list[float] = []
    keeper = EarlyStopping(monitor=monitor, patience=epochs, restore_best_weights=True)
    history_file = f"history-{candidate.key}.csv"
    model.fit(x["train"], y["train"], batch_size=batch_size, epochs=epochs, verbose=verbose,
              validation_data=(x["validation"], y["validation"]), seed=seed,
              callbacks=[EpochClock(seconds), keeper, CSVLogger(folder.file(history_file))])
    history = read_history(folder, history_file)
    best_epoch = keeper.best_epoch + 1 if keeper.best_epoch >= 0 else None
    validation = history[monitor][best_epoch - 1] if best_epoch else float("nan")
    test = model.evaluate(x["test"], y["test"], batch_size=batch_size, verbose=0,
                          return_dict=True)
    model.save(folder.file(f"model-{candidate.key}.seqlab"))
    return {"key": candidate.key, "model": candidate.name, "layers": candidate.layers,
            "kind": "trained", "validation": float(validation),
            "test": float(test["acc"] if data.higher_is_better else test["loss"]),
            "best_epoch": best_epoch, "epochs": len(seconds),
            "seconds_per_epoch": statistics.median(seconds), "params": model.count_params()}
