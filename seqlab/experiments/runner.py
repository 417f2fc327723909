"""Run an experiment: data, model, training, evaluation, and a run folder with its report.

    folder = run(catalog.get("imdb_lstm"), runs_dir="runs")      # seqlab run imdb_lstm
    folder = run(config, quick=True)                               # tiny data, one epoch
    folder = resume("runs/imdb_lstm-20261203-101500")              # after an interruption

One run:

1. the config (after ``quick`` and overrides) goes to ``config.json``, the
   status to "running";
2. the data is prepared (:mod:`.data`); a computed baseline
   (:mod:`.baselines`) is evaluated and the run ends at 5;
3. the model is built from the config's layer list, compiled and trained
   with the global seed set to the config's seed; after every epoch the
   history gets a row, ``timing.json`` the epoch's seconds and the checkpoint
   is replaced (all atomically);
4. the final model is evaluated on the test data, if there is any, then by
   the config's ``evaluation`` (:mod:`.evaluations`), if it names one, and saved;
   so is the model of the best validation epoch (``best.seqlab``, by the
   book's metric or val_loss), as a user who keeps the best checkpoint would;
5. ``metrics.json`` and ``report.html`` are written, the status set to "done".

Interrupted (Ctrl-C, a kill between epochs), the folder keeps the rows and
the checkpoint of every finished epoch, and the status says how to resume. A
resumed run's ``epoch_seconds`` and ``wall_seconds`` include the epochs of its
earlier sessions (its wall time: this session's plus those epochs').
"""

from __future__ import annotations

import contextlib
import platform
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict
from typing import Any

import numpy as np

import seqlab
from seqlab.callbacks import Callback, CSVLogger, EarlyStopping, ModelCheckpoint
from seqlab.experiments import baselines, evaluations
from seqlab.experiments.config import ExperimentConfig
from seqlab.experiments.data import Prepared, prepare
from seqlab.experiments.report import write_report
from seqlab.experiments.results import mode_of, read_history, summarize
from seqlab.experiments.rundir import RunFolder
from seqlab.layers import Embedding, deserialize

__all__ = ["resume", "run"]

TIMING = "timing.json"  # {"epoch_seconds": [...]}, rewritten after every epoch

Printer = Callable[[str], None]


class EpochClock(Callback):
    """Wall time of every epoch (for the report's time per epoch). With a run
    ``folder`` the list is kept after each epoch in its ``timing.json``, so that a
    resumed run counts the epochs of its earlier sessions too (``seconds`` starts
    with them)."""

    def __init__(self, seconds: list[float], folder: RunFolder | None = None):
        super().__init__()
        self.seconds, self.folder = seconds, folder
        self._start = 0.0

    def on_epoch_begin(self, epoch: int, logs: dict[str, float] | None = None) -> None:
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: dict[str, float] | None = None) -> None:
        self.seconds.append(time.perf_counter() - self._start)
        if self.folder is not None:
            self.folder.write_json(TIMING, {"epoch_seconds": self.seconds})


def _earlier_epoch_seconds(folder: RunFolder, done: int) -> list[float]:
    """The times of the ``done`` epochs a resumed run already has ([] when unknown)."""
    try:
        seconds = folder.read_json(TIMING)["epoch_seconds"]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    return [float(s) for s in seconds[:done]] if len(seconds) >= done else []


@contextlib.contextmanager
def thread_count(n: int | None) -> Iterator[int]:
    """Numba's threads and BLAS's held to ``n`` (None: as they are) while the block runs."""
    import numba
    from threadpoolctl import threadpool_limits

    before = numba.get_num_threads()
    if n is None:
        yield before
        return
    numba.set_num_threads(min(n, numba.config.NUMBA_NUM_THREADS))
    try:
        with threadpool_limits(n):
            yield numba.get_num_threads()
    finally:
        numba.set_num_threads(before)


def versions() -> dict[str, str]:
    """The versions a result depends on."""
    import numba

    return {"seqlab": seqlab.__version__, "python": platform.python_version(),
            "numpy": np.__version__, "numba": numba.__version__,
            "machine": f"{platform.machine()} ({platform.processor() or 'cpu'})"}


def build_model(config: ExperimentConfig, data: Prepared) -> seqlab.models.BaseModel:
    """The config's layers as a compiled Sequential (or its functional graph as a Model).
    An Embedding with ``input_dim`` null and a Dense with ``units`` null get the data's
    vocabulary size; a pretrained embedding matrix from the data (GloVe, word2vec) goes
    into the first Embedding layer."""
    if isinstance(config.model, dict):  # {"functional": Model.get_config()}
        graph = config.model["functional"]
        graph = {**graph, "name": config.name,
                 "layers": [_sized(spec, data) for spec in graph.get("layers", [])]}
        model = seqlab.Model.from_config(graph)
        layers = model.layers
    else:
        layers = [deserialize(_sized(spec, data)) for spec in config.model]
        model = seqlab.Sequential(layers, name=config.name)
        model.build((None, *data.input_shape))
    if data.embedding_matrix is not None:
        embedding = next((layer for layer in layers if isinstance(layer, Embedding)), None)
        if embedding is None:
            raise ValueError(f"experiment {config.name!r}: the data brings pretrained word "
                             "vectors but the model has no Embedding layer")
        embedding.set_weights([data.embedding_matrix])
    spec = config.compile
    loss = spec.get("loss")
    if isinstance(loss, dict) and "class_name" in loss:  # one loss's config, not one per output
        loss = seqlab.losses.get(loss)
    model.compile(optimizer=seqlab.optim.get(spec.get("optimizer", "rmsprop")), loss=loss,
                  metrics=spec.get("metrics"))
    return model


#: the argument that a layer given as null takes from the data's vocabulary size
_SIZED_BY_VOCABULARY = {"Embedding": "input_dim", "Dense": "units"}


def _sized(spec: dict[str, Any], data: Prepared) -> dict[str, Any]:
    """An Embedding with ``input_dim`` null, or a Dense with ``units`` null (a softmax
    over the vocabulary), sized by the data's vocabulary."""
    argument = _SIZED_BY_VOCABULARY.get(spec.get("class_name"))
    if argument is None or argument not in spec.get("config", {}) or spec["config"][argument]:
        return spec
    if data.vocabulary_size is None:
        raise ValueError(f"a {spec['class_name']} with {argument} null needs data that has a "
                         "vocabulary")
    return {**spec, "config": {**spec["config"], argument: data.vocabulary_size}}


def run(config: ExperimentConfig, runs_dir: str = "runs", quick: bool = False,
        threads: int | None = None, verbose: int = 2, out: Printer | None = None) -> RunFolder:
    """Run ``config`` into a new folder under ``runs_dir`` (see the module docstring)."""
    config = config.quick_version() if quick else config
    folder = RunFolder.create(runs_dir, config.name)
    folder.write_json("config.json", asdict(config))
    return _execute(config, folder, threads, verbose, out or print, resume_from=None)


def resume(path: str, threads: int | None = None, verbose: int = 2,
           out: Printer | None = None) -> RunFolder:
    """Continue an interrupted run from its last checkpoint."""
    folder = RunFolder.open(path)
    config = ExperimentConfig.from_dict(folder.read_json("config.json"),
                                        f"run folder {str(folder.path)!r}")
    state = folder.status().get("state")
    if state == "done":
        raise ValueError(f"run {str(folder.path)!r} is already done; start a new run instead")
    if not folder.file("checkpoint.seqlab").is_file():
        raise FileNotFoundError(f"run {str(folder.path)!r} has no checkpoint to resume from "
                                "(it stopped before its first epoch ended): start it again")
    return _execute(config, folder, threads, verbose, out or print,
                    resume_from=folder.file("checkpoint.seqlab"))


def _execute(config: ExperimentConfig, folder: RunFolder, threads: int | None, verbose: int,
             out: Printer, resume_from: Any) -> RunFolder:
    resume_hint = f"seqlab run --resume {folder.path}"
    start = time.perf_counter()
    folder.set_status("running", resume=resume_hint)
    try:
        with thread_count(threads) as n_threads:
            seqlab.set_random_seed(config.seed)
            data = prepare(config.data, seed=config.seed)
            if config.baseline is not None:
                results = baselines.evaluate(config.baseline, data)
                results.update(epochs_done=0, epoch_seconds=[])
            else:
                results = _train(config, folder, data, verbose, resume_from)
    except KeyboardInterrupt:
        folder.set_status("interrupted", resume=resume_hint)
        out(f"interrupted: {folder.path} keeps every finished epoch; resume with: {resume_hint}")
        raise
    except Exception as exc:
        folder.set_status("failed", error=f"{type(exc).__name__}: {exc}")
        raise
    earlier = results.pop("earlier_sessions_seconds", 0.0)  # the epochs before a resume
    results.update(name=config.name, seed=config.seed, threads=n_threads,
                   wall_seconds=time.perf_counter() - start + earlier, versions=versions(),
                   data=data.info, book=config.book)
    folder.write_json("metrics.json", results)
    write_report(folder)
    folder.set_status("done")
    out(f"{config.name}: done in {results['wall_seconds']:.1f} s; report: "
        f"{folder.file('report.html')}")
    return folder


def _train(config: ExperimentConfig, folder: RunFolder, data: Prepared, verbose: int,
           resume_from: Any) -> dict[str, Any]:
    if resume_from is not None:
        model = seqlab.load_model(resume_from)
        done = _finished_epochs(folder)
    else:
        model, done = build_model(config, data), 0
    epoch_seconds = _earlier_epoch_seconds(folder, done) if done else []
    earlier = len(epoch_seconds)
    fit = {**data.fit_options, **config.fit}
    callbacks = [EpochClock(epoch_seconds, folder),
                 CSVLogger(folder.file("history.csv"), append=done > 0),
                 ModelCheckpoint(folder.file("checkpoint.seqlab"), save_best_only=False)]
    validated = data.validation is not None or fit.get("validation_split", 0) > 0
    best = _best_checkpoint(config, folder, done) if validated else None
    if best is not None:
        callbacks.append(best)
    if "early_stopping" in fit:
        callbacks.append(EarlyStopping(**fit.pop("early_stopping")))
    history = model.fit(data.train_x, data.train_y, epochs=fit.pop("epochs", 1),
                        initial_epoch=done, callbacks=callbacks, verbose=verbose,
                        validation_data=data.validation, **fit)
    model.save(folder.file("model.seqlab"))
    del history  # the whole history, resumed runs included, is in history.csv
    summary = summarize(read_history(folder))
    found = None
    if config.evaluation is not None:
        found = evaluations.evaluate(model, data, config.evaluation, config.seed)
    results = {"summary": summary, "test": _test(model, data), "evaluation": found,
               "params": model.count_params(),
               "epochs_done": done + len(epoch_seconds) - earlier, "epoch_seconds": epoch_seconds,
               "earlier_sessions_seconds": sum(epoch_seconds[:earlier])}
    if best is not None and best.monitor in summary and data.test is not None:
        results["test_at_best"] = {
            "monitor": best.monitor, "epoch": summary[best.monitor]["best_epoch"],
            **_test(seqlab.load_model(folder.file("best.seqlab")), data)}
    return results


def _test(model: Any, data: Prepared) -> dict[str, float]:
    """The model's metrics on the test data, keyed ``test_<name>`` ({} without test data)."""
    if data.test is None:
        return {}
    values = model.evaluate(*data.test, verbose=0, return_dict=True, **data.test_options)
    return {f"test_{k}": float(v) for k, v in values.items()}


def _best_checkpoint(config: ExperimentConfig, folder: RunFolder, done: int) -> ModelCheckpoint:
    """A checkpoint of the best epoch so far by the book's validation metric (val_loss
    when the book names none), so that the test data can also score the model a
    user would keep — as Keras' ``ModelCheckpoint(save_best_only=True)`` does. A
    resumed run starts from the best of the epochs already in the history."""
    metric = (config.book or {}).get("metric", "")
    monitor = metric if metric.startswith("val_") else "val_loss"
    checkpoint = ModelCheckpoint(folder.file("best.seqlab"), monitor=monitor,
                                 save_best_only=True, mode=mode_of(monitor))
    if done > 0:
        earlier = summarize(read_history(folder)).get(monitor)
        if earlier is not None:
            checkpoint.best = earlier["best"]
    return checkpoint


def _finished_epochs(folder: RunFolder) -> int:
    """How many epochs the history file holds (one row each after its header)."""
    try:
        with open(folder.file("history.csv"), encoding="utf-8") as fh:
            return max(0, sum(1 for line in fh if line.strip()) - 1)
    except FileNotFoundError:
        return 0

