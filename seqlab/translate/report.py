"""report.md of a translation run: the data, the training, BLEU/chrF greedy vs beam, samples."""

from __future__ import annotations

from typing import Any

from seqlab.experiments.rundir import RunFolder

__all__ = ["write_report"]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _samples(rows: list[dict[str, Any]]) -> list[str]:
    lines = ["| chrF | source | translation | reference |", "|---:|---|---|---|"]
    lines += [f"| {r['chrf']} | {_cell(r['source'])} | {_cell(r['translation'])} | "
              f"{_cell(r['reference'])} |" for r in rows]
    return lines


def report_text(config: dict[str, Any], results: dict[str, Any]) -> str:
    """The report as Markdown."""
    split, test = results["split"], results["test"]
    searches = [k for k in test if k == "greedy" or k.startswith("beam")]
    budget = " (stopped by the time budget)" if results["stopped_by_budget"] else ""
    facts = [
        (f"pairs: {results['pairs']}; split (seed {config['seed']}): train {split['train']} "
         f"({split['train_too_long']} longer than max_length left out), validation "
         f"{split['validation']}, test {split['test']}"),
        (f"vocabularies: source {config['source']['kind']} {results['vocabulary']['source']} "
         f"ids, target {config['target']['kind']} {results['vocabulary']['target']} ids"),
        f"model: {config['model']}, {results['params']:,} parameters",
        (f"training: {results['batches_trained']} batches of {config['fit']['batch_size']} "
         f"({results['batches_per_epoch']} per epoch) in {results['train_seconds']} s{budget}"),
        f"validation: {results['validation']}",
        (f"load average at the end: {results['load_average']}; wall time "
         f"{results['wall_seconds']} s"),
    ]
    lines = [
        f"# {config['name']}", "", config["description"], "", *(f"- {f}" for f in facts), "",
        f"## Test split: {test['sentences']} sentences ({test['too_long']} too long left out)",
        "", "| search | BLEU | chrF | seconds |", "|---|---:|---:|---:|",
        *(f"| {s} | {test[s]['bleu']} | {test[s]['chrf']} | {test[s]['seconds']} |"
          for s in searches), "",
        (f"BLEU: `{test['greedy']['bleu_signature']}`; chrF: "
         f"`{test['greedy']['chrf_signature']}`"), "",
        "## Good samples (greedy, best sentence chrF)", "", *_samples(test["samples"]["good"]),
        "", "## Bad samples (greedy, worst sentence chrF)", "", *_samples(test["samples"]["bad"]),
    ]
    return "\n".join(lines) + "\n"


def write_report(folder: RunFolder, config: dict[str, Any], results: dict[str, Any]) -> None:
    folder.write_text("report.md", report_text(config, results))
