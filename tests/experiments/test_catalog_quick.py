"""A --quick run of every experiment of the catalog (tiny real data from the fixtures,
one epoch) writes a complete run folder with a valid report."""

from __future__ import annotations

from pathlib import Path

import pytest

from seqlab.experiments import catalog, run

FIXTURE_DATA = Path(__file__).resolve().parents[1] / "fixtures" / "data"


@pytest.fixture
def fixture_data(monkeypatch):
    """The loaders find the committed samples first (same names as the real files)."""
    monkeypatch.setenv("SEQLAB_DATA", str(FIXTURE_DATA))


@pytest.mark.parametrize("name", catalog.names())
def test_quick_run_writes_a_valid_report(name, fixture_data, tmp_path):
    if name.startswith("nsmc"):
        pytest.importorskip("kiwipiepy", reason="the NSMC experiment tokenizes with Kiwi")
    folder = run(catalog.get(name), runs_dir=tmp_path, quick=True, verbose=0,
                 out=lambda s: None)
    assert folder.status()["state"] == "done"
    metrics = folder.read_json("metrics.json")
    html = folder.file("report.html").read_text()
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert f"seqlab run: {name}" in html and "The run" in html
    if catalog.get(name).baseline is None:
        assert metrics["epochs_done"] == 1 and folder.file("model.seqlab").is_file()
    else:
        assert metrics["summary"]["val_loss"] > 0 and "val_loss" in html
    if catalog.get(name).book:
        assert "Beside the book" in html
