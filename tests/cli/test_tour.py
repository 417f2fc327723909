"""``seqlab tour``: the terminal walk-through and its self-contained HTML report,
opened in headless Chromium where Debian's chromium package is installed."""

from __future__ import annotations

import base64
import contextlib
import html
import io
import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

import seqlab
from seqlab.cli.main import main
from seqlab.report import fonts

SECTIONS = ("1. Text to numbers", "2. The worked RNN", "3. The same loops, traced",
            "4. Backpropagation by hand", "5. Gradient flow", "6. LSTM and GRU gates",
            "7. Translation with attention")
TABLE_TITLES = ("multi-hot: one row per document", "첫번째 루프", "loop 1 traced from SimpleRNN",
                "gradient flow ‖dL/dstate_t‖ at initialisation",
                "which cells learn to recall the first token", "exploding gradients and clipping",
                "LSTM gates over the sentence", "GRU gates over the sentence",
                "the toy pairs and their greedy translations",
                "greedy search, step by step", "beam search step 1 (width 3",
                "attention while decoding: I love you → 난 널 사랑해")


@pytest.fixture(scope="module")
def tour(tmp_path_factory):
    """One quick tour, printed and written as HTML (NumPy reference kernels:
    no compilation in a fresh process)."""
    path = tmp_path_factory.mktemp("tour") / "tour.html"
    out, err = io.StringIO(), io.StringIO()
    with seqlab.use_kernels("numpy"), contextlib.redirect_stdout(out), \
            contextlib.redirect_stderr(err):
        code = main(["tour", "--quick", "--report", str(path)])
    return code, out.getvalue(), err.getvalue(), path


def test_tour_prints_every_section(tour):
    code, out, err, _ = tour
    assert code == 0, err
    for section in SECTIONS:
        assert section in out
    assert "We" in out and "student" in out and "난 널 사랑해" in out
    assert "wrote the tour to" in err


def test_report_is_one_self_contained_page(tour):
    _, _, _, path = tour
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert not re.search(r"(?:src|href)\s*=\s*[\"'](?:https?:)?//", text), "external resource"
    assert "<link" not in text and "<script" not in text
    for title in TABLE_TITLES:
        assert title in text
    if _has_matplotlib():
        assert text.count("<svg") >= 4  # gradient curves, gate maps, backprop graphs, attention


class _Anchors(HTMLParser):
    """The ids of the headings and the in-page links of the contents."""

    def __init__(self):
        super().__init__()
        self.ids: dict[str, str] = {}
        self.links: list[str] = []
        self._heading: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("h2", "h3") and "id" in attrs:
            self._heading = attrs["id"]
            self.ids[self._heading] = ""
        elif tag == "a" and attrs.get("href", "").startswith("#"):
            self.links.append(attrs["href"][1:])

    def handle_data(self, data):
        if self._heading:
            self.ids[self._heading] += data

    def handle_endtag(self, tag):
        if tag in ("h2", "h3"):
            self._heading = None


def test_report_opens_with_contents_linking_every_section(tour):
    _, _, _, path = tour
    anchors = _Anchors()
    anchors.feed(path.read_text(encoding="utf-8"))
    assert anchors.links == list(anchors.ids)  # every section, in order, and nothing else
    titles = [anchors.ids[a] for a in anchors.links]
    for section in SECTIONS:
        assert any(t.startswith(section) for t in titles), section


def test_report_explains_the_numbers_a_learner_misreads(tour):
    _, out, _, path = tour
    for shown in (out, html.unescape(path.read_text(encoding="utf-8"))):
        text = " ".join(shown.split())  # the terminal wraps long notes
        assert "chance is 0.25" in text and "Adam updates" in text
        assert "not that it cannot learn it" in text
        assert "clipnorm = 1 rescales each weight's gradient" in text


@pytest.mark.skipif(fonts.hangul_font_file() is None,
                    reason=f"the Korean font package {fonts.PACKAGE} is not installed")
def test_report_embeds_the_glyphs_of_all_its_korean_text(tour):
    from fontTools.ttLib import TTFont

    _, _, _, path = tour
    text = path.read_text(encoding="utf-8")
    data = re.search(r"url\(data:font/woff;base64,([A-Za-z0-9+/=]+)\)", text).group(1)
    embedded = set(TTFont(io.BytesIO(base64.b64decode(data))).getBestCmap())
    korean = {ord(ch) for ch in fonts.korean_characters(text)}
    assert "세" in text and "사랑해" in text and korean == embedded
    assert len(data) < 40_000


def _has_matplotlib() -> bool:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium"
                                        if os.path.exists("/usr/bin/chromium") else None)
_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
          "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _chromium(args: list[str], profile: Path) -> subprocess.CompletedProcess:
    return subprocess.run([CHROMIUM, *_FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, timeout=120, check=False)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (Debian: apt-get "
                    "install chromium); the report is checked in a browser only where it is")
def test_report_renders_in_headless_chromium(tour, tmp_path):
    _, _, _, path = tour
    done = _chromium(["--dump-dom", path.resolve().as_uri()], tmp_path / "profile")
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    dom = done.stdout.decode("utf-8")
    source = path.read_text(encoding="utf-8")
    assert dom.count("<table") == source.count("<table") > 10
    for title in TABLE_TITLES:
        assert title in dom
    assert "<th>state(S)</th>" in dom and "<th>WX + US + B</th>" in dom

    shot = tmp_path / "shot.png"
    done = _chromium([f"--screenshot={shot}", "--window-size=1000,1400",
                      path.resolve().as_uri()], tmp_path / "profile2")
    assert done.returncode == 0 and shot.exists()
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 20_000
    if _has_matplotlib():
        from matplotlib.image import imread

        pixels = imread(str(shot))
        assert pixels.std() > 0.01  # not a blank page


_MEASURE = """<script>
document.fonts.ready.then(() => {
  const sizes = [];
  for (const svg of document.querySelectorAll("figure svg")) {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    for (const text of svg.querySelectorAll("text")) {
      sizes.push(parseFloat(getComputedStyle(text).fontSize) * scale);
    }
  }
  const out = document.createElement("pre");
  out.id = "measured";
  out.textContent = JSON.stringify({
    smallest: Math.min(...sizes), texts: sizes.length,
    faces: [...document.fonts].map(f => [f.family.replace(/"/g, ""), f.status])});
  document.body.appendChild(out);
});
</script>"""


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (Debian: apt-get "
                    "install chromium); the report is checked in a browser only where it is")
@pytest.mark.parametrize("width", [800, 1280])
def test_every_figure_text_is_at_least_10_px_in_the_browser(tour, tmp_path, width):
    """The report with a script that measures, once fonts are loaded, the size
    every SVG text is shown at (font size × the SVG's scale on the page)."""
    if not _has_matplotlib():
        pytest.skip("the figures need matplotlib")
    _, _, _, path = tour
    measured = tmp_path / "measured.html"
    measured.write_text(path.read_text(encoding="utf-8").replace("</body>", _MEASURE + "</body>"),
                        encoding="utf-8")
    done = _chromium([f"--window-size={width},1000", "--virtual-time-budget=10000",
                      "--dump-dom", measured.resolve().as_uri()], tmp_path / "profile")
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    found = re.search(r'<pre id="measured">([^<]*)</pre>', done.stdout.decode("utf-8"))
    result = json.loads(found.group(1))
    assert result["texts"] > 100  # graphs, curves and gate maps
    assert result["smallest"] >= 10 - 1e-6
    if fonts.hangul_font_file() is not None:
        assert result["faces"] == [[fonts.FAMILY, "loaded"]]


def test_report_path_in_a_missing_directory_fails_before_the_work(tmp_path, capsys):
    target = tmp_path / "missing" / "tour.html"
    assert main(["tour", "--quick", "--report", str(target)]) == 1
    err = capsys.readouterr().err
    assert "cannot write the --report file" in err and "does not exist" in err
    assert not target.parent.exists()


def test_report_path_that_is_a_directory(tmp_path, capsys):
    assert main(["tour", "--report", str(tmp_path)]) == 1
    assert "it is a directory" in capsys.readouterr().err


def test_a_failed_write_leaves_nothing_half_written(tmp_path, capsys, monkeypatch):
    target = tmp_path / "tour.html"
    target.write_text("the previous report", encoding="utf-8")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with seqlab.use_kernels("numpy"):
        code = main(["tour", "--quick", "--no-print", "--report", str(target)])
    assert code == 1
    assert "No space left on device" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "the previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tour.html"]  # no temporary file
