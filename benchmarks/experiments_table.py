"""The chapter's experiments beside the book: one Markdown report from a folder of runs.

    python benchmarks/experiments_table.py RUNS_DIR [--out benchmarks/results/experiments.md]

For every experiment the newest finished run under ``RUNS_DIR`` (as written by
``seqlab run NAME --runs-dir RUNS_DIR``) gives one row. Classification: the best
validation accuracy and its epoch beside the book's number, and the test
accuracy of the final model and of the model of the best validation epoch.
Weather: the validation MAE (normalised units as the book, and in the target's
unit) and the test MAE of the best-validation model, each as a gain over the
naive baseline and over the ridge baseline of the same runs folder:
``gain = 1 − model / baseline`` (positive: the model's error is lower). The
book's gain over its naive baseline (Jena) is given beside it. Runs still going
or failed are listed, not scored. Wall time is the sum over the scored runs.

``--epoch-runs ONE_EPOCH_RUNS`` adds the suite's time from one-epoch runs of every
experiment (``seqlab run NAME --epochs 1 --threads 2 --runs-dir ONE_EPOCH_RUNS`` on
a quiet machine): per experiment, that run's wall time (data, one epoch, test)
plus (E − 1) times its epoch, E the epochs of the full run in ``RUNS_DIR``.

``--seeds SEED_RUNS`` adds one more table from a folder of runs of the same
experiment under several seeds (configs named ``NAME_seedN``, e.g. GloVe against
an embedding learned from scratch on 200 reviews): per NAME, the best
validation accuracy of every seed, their mean and their range.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
from pathlib import Path
from typing import Any


def newest_done(root: Path) -> dict[str, dict[str, Any]]:
    """name → metrics of its newest finished run, plus the folders not finished."""
    done: dict[str, dict[str, Any]] = {}
    for path in sorted(p for p in root.iterdir() if (p / "config.json").is_file()):
        status = json.loads((path / "status.json").read_text(encoding="utf-8"))
        name = json.loads((path / "config.json").read_text(encoding="utf-8"))["name"]
        if status.get("state") == "done":
            metrics = json.loads((path / "metrics.json").read_text(encoding="utf-8"))
            done[name] = {**metrics, "folder": path.name}
    return done


def unfinished(root: Path, done: dict[str, dict[str, Any]]) -> list[str]:
    rows = []
    for path in sorted(p for p in root.iterdir() if (p / "config.json").is_file()):
        name = json.loads((path / "config.json").read_text(encoding="utf-8"))["name"]
        state = json.loads((path / "status.json").read_text(encoding="utf-8")).get("state")
        if state != "done" and name not in done:
            rows.append(f"- `{name}`: {state} (`{path.name}`)")
    return rows


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def number(value: Any, digits: int = 4) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def misses_epochs(m: dict[str, Any]) -> bool:
    """Whether the run's times miss epochs (resumed before run folders kept timing.json)."""
    return len(m.get("epoch_seconds") or []) < (m.get("epochs_done") or 0)


def wall(m: dict[str, Any]) -> str:
    """The run's wall seconds, marked † when they miss epochs."""
    return f"{m['wall_seconds']:.0f}" + (" †" if misses_epochs(m) else "")


def percent(gain: float | None) -> str:
    return "–" if gain is None else f"{100 * gain:+.1f}%"


def classification_rows(done: dict[str, dict[str, Any]]) -> list[list[str]]:
    rows = []
    for name, m in done.items():
        if "val_acc" not in m.get("summary", {}):
            continue
        val = m["summary"]["val_acc"]
        book = (m.get("book") or {}).get("value")
        at_best = m.get("test_at_best", {})
        rows.append([f"`{name}`", f"{val['best']:.4f} (epoch {val['best_epoch']})",
                     number(book, 3), "–" if book is None else f"{100 * (val['best'] - book):+.1f}",
                     number(m.get("test", {}).get("test_acc")), number(at_best.get("test_acc")),
                     str(m.get("epochs_done")), wall(m), str(m.get("threads"))])
    return rows


def weather_scores(m: dict[str, Any]) -> tuple[float, float | None, int | None]:
    """(validation MAE, test MAE of the best-validation model, best epoch)."""
    if m.get("baseline"):
        return m["summary"]["val_loss"], m["summary"]["test_loss"], None
    val = m["summary"]["val_loss"]
    at_best = m.get("test_at_best", {})
    return val["best"], at_best.get("test_loss"), val["best_epoch"]


def weather_rows(done: dict[str, dict[str, Any]]) -> list[list[str]]:
    naive, ridge = done.get("weather_naive"), done.get("weather_linear")
    base = {k: weather_scores(v) for k, v in (("naive", naive), ("ridge", ridge)) if v}
    book_naive = (naive or {}).get("book", {}).get("value")
    rows = []
    for name, m in done.items():
        if not name.startswith("weather_"):
            continue
        val, test, epoch = weather_scores(m)
        unit = m.get("data", {}).get("target_std")

        def gain(which: str, index: int, mine: float | None) -> float | None:
            theirs = base.get(which, (None, None))[index]
            return None if mine is None or theirs is None else 1 - mine / theirs

        book = (m.get("book") or {}).get("value")
        book_gain = None if book is None or book_naive is None else 1 - book / book_naive
        rows.append([f"`{name}`", number(val) + ("" if epoch is None else f" (epoch {epoch})"),
                     "–" if unit is None else f"{val * unit:.2f}", number(test),
                     percent(gain("naive", 0, val)), percent(gain("ridge", 0, val)),
                     percent(gain("naive", 1, test)), percent(gain("ridge", 1, test)),
                     number(book, 3), percent(book_gain),
                     str(m.get("epochs_done")), wall(m), str(m.get("threads"))])
    return rows


def seed_rows(root: Path) -> list[list[str]]:
    """One row per experiment family ``NAME_seedN``: best val acc of each seed, mean, range."""
    families: dict[str, list[tuple[int, float]]] = {}
    for path in sorted(p for p in root.iterdir() if (p / "metrics.json").is_file()):
        metrics = json.loads((path / "metrics.json").read_text(encoding="utf-8"))
        match = re.fullmatch(r"(.+)_seed(\d+)", metrics["name"])
        if match and "val_acc" in metrics.get("summary", {}):
            families.setdefault(match[1], []).append(
                (int(match[2]), metrics["summary"]["val_acc"]["best"]))
    rows = []
    for name, runs in sorted(families.items()):
        accs = [acc for _, acc in sorted(runs)]
        rows.append([f"`{name}`", str(len(accs)), " ".join(f"{a:.4f}" for a in accs),
                     f"{statistics.mean(accs):.4f}", f"{min(accs):.4f}–{max(accs):.4f}"])
    return rows


def projected_rows(full: dict[str, dict[str, Any]], one: dict[str, dict[str, Any]]
                   ) -> list[list[str]]:
    """Per experiment in both folders: E, the one-epoch run's wall and epoch seconds, and
    wall + (E − 1) · epoch; a last row sums the projections."""
    rows, total = [], 0.0
    for name in sorted(set(full) & set(one)):
        epochs = full[name].get("epochs_done") or 0
        epoch = (one[name].get("epoch_seconds") or [0.0])[0]
        projected = one[name]["wall_seconds"] + max(epochs - 1, 0) * epoch
        total += projected
        rows.append([f"`{name}`", str(epochs), f"{one[name]['wall_seconds']:.1f}",
                     f"{epoch:.1f}", f"{projected:.0f}"])
    rows.append(["**suite**", "", "", "", f"**{total:.0f} s ({total / 3600:.2f} h)**"])
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", type=Path)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--seeds", type=Path, help="a folder of NAME_seedN runs")
    parser.add_argument("--epoch-runs", type=Path, help="a folder of one-epoch runs")
    args = parser.parse_args(argv)
    done = newest_done(args.runs)
    parts = ["# The chapter's experiments beside the book", "",
             (f"Made by `python benchmarks/experiments_table.py {args.runs.name}` from the run "
             "folders of `seqlab run NAME --runs-dir ...` (book budgets)."), "",
             "## Text classification (IMDB, NSMC)", "",
             table(["experiment", "best val acc", "book", "Δ points", "test acc (final)",
                    "test acc (best-val model)", "epochs", "wall s", "threads"],
                   classification_rows(done)), "",
             "## Weather (Beijing Aotizhongxin, TEMP 24 h ahead; the book: Jena)", "",
             ("MAE in normalised units (the book's scale) and in the target's unit (°C); "
             "gain = 1 − MAE / baseline MAE."), "",
             table(["experiment", "val MAE", "val MAE °C", "test MAE (best-val model)",
                    "val gain vs naive", "val gain vs ridge", "test gain vs naive",
                    "test gain vs ridge", "book val MAE (Jena)", "book gain vs naive",
                    "epochs", "wall s", "threads"], weather_rows(done)), ""]
    total = sum(m["wall_seconds"] for m in done.values())
    parts += [f"Wall time of the scored runs, summed: {total:.0f} s ({total / 3600:.2f} h).", ""]
    if args.epoch_runs:
        parts += ["## The suite's wall time from one-epoch runs", "",
                  (f"From `{args.epoch_runs.name}` (each experiment with `--epochs 1`; the "
                   "baselines as they are): the run's wall time plus the full run's other "
                   "epochs at that run's epoch time."), "",
                  table(["experiment", "epochs E", "one-epoch run s", "epoch s",
                         "projected s"], projected_rows(done, newest_done(args.epoch_runs))),
                  ""]
    if args.seeds:
        parts += ["## The same experiment under several seeds", "",
                  f"From `{args.seeds.name}`: best validation accuracy per seed (seeds in order).",
                  "", table(["experiment", "seeds", "best val acc per seed", "mean", "range"],
                            seed_rows(args.seeds)), ""]
    if any(misses_epochs(m) for m in done.values()):
        parts += [("† resumed before run folders kept `timing.json`: the wall time of the "
                  "epochs after the resume only."), ""]
    rest = unfinished(args.runs, done)
    if rest:
        parts += ["Not finished when this was written:", "", *rest, ""]
    text = "\n".join(parts)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
