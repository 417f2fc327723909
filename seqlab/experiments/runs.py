"""Every run in a folder, in one table beside the book (``seqlab runs``)."""

from __future__ import annotations

import os
from pathlib import Path

from seqlab.experiments.results import against_book
from seqlab.experiments.rundir import RunFolder
from seqlab.report.tables import Table

__all__ = ["runs_table"]


def translation_score(metrics: dict) -> tuple[str, float] | None:
    """("test BLEU (beamN)", BLEU) of a translation run's metrics (no book number), or None."""
    test = metrics.get("test")
    beams = [key for key in test if key.startswith("beam")] if isinstance(test, dict) else []
    return (f"test BLEU ({beams[0]})", test[beams[0]]["bleu"]) if beams else None


def runs_table(root: str | os.PathLike = "runs") -> Table:
    """One row per run folder under ``root`` (newest last): the experiment, its state,
    seqlab's value of the book's metric, the book's, the difference, epochs, time."""
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"runs folder {str(root)!r} does not exist")
    rows = []
    for path in sorted(p for p in root.iterdir() if (p / "config.json").is_file()):
        folder = RunFolder(path)
        state = folder.status().get("state", "unknown")
        try:
            metrics = folder.read_json("metrics.json")
        except (OSError, ValueError):
            metrics = {}
        found = against_book(metrics) if metrics else None
        translated = None if found else translation_score(metrics)
        if translated:
            found = {"metric": translated[0], "seqlab": translated[1], "book": "–",
                     "difference": None}
        name = folder.read_json("config.json").get("name", path.name)
        rows.append([name, state,
                     found["metric"] if found else "–",
                     found["seqlab"] if found and found["seqlab"] is not None else "–",
                     found["book"] if found else "–",
                     found["difference"] if found and found["difference"] is not None else "–",
                     metrics.get("epochs_done", "–"),
                     round(metrics["wall_seconds"], 1) if "wall_seconds" in metrics else "–",
                     path.name])
    table = Table(f"Runs in {root}", ["experiment", "state", "metric", "seqlab", "book",
                                      "seqlab − book (+: better)", "epochs", "wall s", "folder"],
                  rows, digits=4)
    if not rows:
        table.notes.append("no run folders here yet: seqlab run NAME writes one")
    return table
