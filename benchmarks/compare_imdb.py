"""``seqlab compare`` on real data: IMDB training reviews exported to CSV (or the NSMC TSV as
it is), the whole panel with the command's defaults, the table and the recommendation recorded.

    python benchmarks/compare_imdb.py                       # 25,000 IMDB training reviews
    python benchmarks/compare_imdb.py --dataset nsmc        # the 50,000-row NSMC subset

IMDB: the labelled archive ``imdb/aclImdb_v1_labeled.tar.gz`` is read with ``tarfile``;
its ``aclImdb/train/{pos,neg}/*.txt`` reviews, in name order, become a CSV of (text, label)
with label ``pos`` or ``neg`` (``--csv`` keeps it; otherwise it lives in a temporary
folder). NSMC: ``nsmc/ratings_train_subset50k.txt.gz`` is given to ``seqlab compare`` as
it is (a gzipped TSV). Both are looked for in ``$SEQLAB_DATA`` and ``../shared/data``;
when absent, the script says so and stops (exit 0).

The budget is the command's defaults unless ``--epochs`` / ``--limit`` say otherwise
(10 epochs, batch 128, seed 1, RMSprop). Writes ``benchmarks/results/compare_DATASET.md``
(``--out`` to change it): the panel, the recommendation, the data, wall time, threads,
BLAS and the load average of the machine before and after.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from seqlab.data.download import locate

from seqlab.experiments import CompareOptions, RunFolder, compare
from seqlab.experiments.comparison_report import panel_table
from seqlab.report import Document, Table

ARCHIVES = {"imdb": "imdb/aclImdb_v1_labeled.tar.gz",
            "nsmc": "nsmc/ratings_train_subset50k.txt.gz"}
REVIEW = re.compile(r"aclImdb/train/(pos|neg)/\d+_\d+\.txt$")


def export_imdb(archive: Path, target: Path) -> int:
    """Write the training reviews of ``archive`` to ``target`` as CSV (text, label)."""
    rows = 0
    with tarfile.open(archive, "r:gz") as tar, \
            open(target, "w", encoding="utf-8", newline="") as fh:
        members = sorted((m for m in tar if REVIEW.match(m.name)), key=lambda m: m.name)
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["text", "label"])
        for member in members:
            text = tar.extractfile(member).read().decode("utf-8")
            writer.writerow([text, REVIEW.match(member.name).group(1)])
            rows += 1
    return rows


def results_document(folder: RunFolder, dataset: str, command: str, load: tuple) -> Document:
    panel = folder.read_json("panel.json")
    info, run = panel["data"], panel["run"]
    doc = Document(f"seqlab compare on {dataset.upper()}")
    doc.add_text(f"Command: `{command}` (written by `benchmarks/compare_imdb.py`).")
    doc.add_heading("Recommendation")
    doc.add_text(panel["recommendation"]["reason"])
    doc.add_text(panel["rule"])
    doc.add_table(panel_table(panel))
    doc.add_heading("The data and the run")
    facts = {k: v for k, v in info.items() if k not in ("classes", "file")}
    facts["classes (train, validation, test)"] = info.get("classes")
    facts.update(panel["budget"])
    facts.update(run)
    facts["wall_seconds"] = round(run["wall_seconds"], 1)
    facts["cpu cores"] = os.cpu_count()
    facts["load average before / after (1 min)"] = f"{load[0]:.2f} / {load[1]:.2f}"
    doc.add_table(Table("Facts", ["what", "value"], [[k.replace("_", " "), str(v)]
                                                     for k, v in facts.items()]))
    return doc


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", choices=sorted(ARCHIVES), default="imdb")
    parser.add_argument("--epochs", type=int, help="default: the command's (10)")
    parser.add_argument("--limit", type=int, help="use this many rows (a random sample)")
    parser.add_argument("--threads", type=int)
    parser.add_argument("--csv", help="IMDB: keep the exported CSV here")
    parser.add_argument("--runs-dir", default="runs")
    parser.add_argument("--out", help="default: benchmarks/results/compare_DATASET.md")
    args = parser.parse_args()
    try:
        archive = locate(ARCHIVES[args.dataset])
    except FileNotFoundError as exc:
        print(f"skipped: {exc}")
        return 0
    out = Path(args.out or Path(__file__).parent / "results" / f"compare_{args.dataset}.md")
    options = CompareOptions(epochs=args.epochs, limit=args.limit, threads=args.threads)
    with tempfile.TemporaryDirectory() as scratch:
        data = archive
        if args.dataset == "imdb":
            data = Path(args.csv or Path(scratch) / "imdb_train.csv")
            start = time.perf_counter()
            n = export_imdb(archive, data)
            print(f"exported {n} reviews to {data} in {time.perf_counter() - start:.1f} s")
        flags = " ".join(f"--{k} {v}" for k, v in (("epochs", args.epochs), ("limit", args.limit),
                                                   ("threads", args.threads)) if v is not None)
        command = f"seqlab compare {data.name} {flags}".strip()
        before = os.getloadavg()[0]
        folder = compare(data, options, runs_dir=args.runs_dir)
        load = (before, os.getloadavg()[0])
    results_document(folder, args.dataset, command, load).write(out, "markdown")
    print(f"results: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
