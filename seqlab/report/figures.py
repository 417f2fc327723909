"""Plots as SVG text or PNG bytes: line charts and heatmaps (matplotlib).

matplotlib is imported inside the functions only (``pip install 'seqlab[plot]'``),
and only its object API is used (no pyplot, no global figure state, no
display). Each figure is built and saved inside :func:`figure_style`: the
font list is DejaVu Sans, then a font with Hangul (Noto Sans KR from
:mod:`seqlab.report.fonts`, registered with matplotlib on first use), so
Latin text keeps matplotlib's usual font and Korean labels fall back to the
Korean one. SVG keeps its text as text (``svg.fonttype = none``) and asks
for the same two fonts; an HTML page embeds the Korean one.

Every function returns a :class:`Rendered` picture; ``page.add_svg`` /
``page.add_png`` of :class:`seqlab.report.html.HtmlPage` take it through
:meth:`Rendered.add_to`, and :meth:`Rendered.save` writes it atomically.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from seqlab.report import fonts

FORMATS: tuple[str, ...] = ("svg", "png")


class FiguresUnavailable(ImportError):
    """matplotlib is not installed."""


class HangulFontWarning(UserWarning):
    """A figure has Korean text but no font with Hangul was found: it shows boxes."""


def available() -> bool:
    """Whether matplotlib can be imported (figures can be drawn)."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


@dataclass(frozen=True)
class Rendered:
    """A picture: ``fmt`` "svg" (``data`` is UTF-8 SVG text) or "png" (bytes)."""

    fmt: str
    data: bytes
    title: str

    def text(self) -> str:
        """The SVG as text (SVG pictures only)."""
        if self.fmt != "svg":
            raise ValueError(f"Rendered {self.title!r}: text() needs an SVG, this is {self.fmt}")
        return self.data.decode("utf-8")

    def add_to(self, page: Any, caption: str | None = None) -> None:
        """Add to a :class:`seqlab.report.html.HtmlPage` (inline SVG or PNG)."""
        if self.fmt == "svg":
            page.add_svg(self.text(), caption=caption)
        else:
            page.add_png(self.data, alt=self.title, caption=caption)

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write to ``path`` atomically; the suffix must match the format."""
        from seqlab.report.html import ReportPathError, write_text_atomic

        target = Path(os.fspath(path))
        if target.suffix.lower() != f".{self.fmt}":
            raise ReportPathError(
                f"cannot write a {self.fmt.upper()} picture to {str(target)!r}: expected a "
                f".{self.fmt} file name"
            )
        if self.fmt == "svg":
            return write_text_atomic(target, self.text())
        return _write_bytes_atomic(target, self.data)


def _write_bytes_atomic(target: Path, data: bytes) -> Path:
    from seqlab.atomic import atomic_write
    from seqlab.report.html import ReportPathError

    try:
        with atomic_write(target, "wb") as fh:
            fh.write(data)
    except OSError as exc:
        raise ReportPathError(f"cannot write picture to {str(target)!r}: {exc}") from exc
    return target


def _check_fmt(fmt: str) -> str:
    if fmt not in FORMATS:
        raise ValueError(f"figure format must be one of {list(FORMATS)}, got {fmt!r}")
    return fmt


def _mpl() -> Any:
    try:
        import matplotlib
    except ImportError as exc:
        raise FiguresUnavailable(
            "seqlab figures need matplotlib: pip install 'seqlab[plot]' (or matplotlib)"
        ) from exc
    return matplotlib


@contextlib.contextmanager
def figure_style() -> Iterator[list[str]]:
    """The matplotlib settings a seqlab figure is built and saved in; yields the
    font list. matplotlib fixes a text's font when the text is created, so the
    whole figure, not only ``savefig``, belongs inside."""
    mpl = _mpl()
    families = fonts.matplotlib_families()
    # named families, not the generic one: matplotlib resolves a generic family
    # to a single font, a list of names to a chain of fallbacks; "sans-serif"
    # last is for a browser showing the SVG on a machine without these fonts
    rc = {"font.family": [*families, "sans-serif"], "font.sans-serif": families,
          "svg.fonttype": "none", "svg.hashsalt": "seqlab"}
    with mpl.rc_context(rc):
        yield families


def _new_figure(width: float, height: float) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=100, layout="constrained")


def _lacks_hangul_font(fig: Any, families: list[str]) -> bool:
    from matplotlib.text import Text

    return len(families) == 1 and any(fonts.korean_characters(t.get_text())
                                      for t in fig.findobj(Text))


def _finish(fig: Any, fmt: str, title: str, families: list[str]) -> Rendered:
    """Save ``fig`` (inside :func:`figure_style`). Without a Hangul font, Korean
    text gets one warning that says how to install one, instead of
    matplotlib's warning per missing glyph."""
    buf = io.BytesIO()
    metadata = {"Date": None} if fmt == "svg" else {"Software": "seqlab"}
    with warnings.catch_warnings():
        if _lacks_hangul_font(fig, families):
            warnings.warn(f"figure {title!r}: no font with Hangul is installed, Korean text "
                          f"shows as boxes; {fonts.INSTALL_HINT} installs Noto Sans KR",
                          HangulFontWarning, stacklevel=3)
            warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from font")
        fig.savefig(buf, format=fmt, metadata=metadata)
    data = buf.getvalue()
    if fmt == "svg":  # drop the XML declaration and DOCTYPE: the SVG goes inline into HTML
        text = data.decode("utf-8")
        text = re.sub(r"^\s*<\?xml[^>]*\?>\s*", "", text)
        text = re.sub(r"<!DOCTYPE[^>]*>\s*", "", text, count=1)
        data = text.encode("utf-8")
    return Rendered(fmt, data, title)


def line_chart(series: Mapping[str, Any], title: str, xlabel: str, ylabel: str,
               logy: bool = False, x: Sequence[float] | None = None,
               styles: Mapping[str, str] | None = None, fmt: str = "svg") -> Rendered:
    """One line per entry of ``series`` (label → y values, or (x, y) pairs).

    ``x`` is shared by entries given as plain y arrays (default 0, 1, …);
    ``styles`` maps a label to a matplotlib format string ("-", "--", ":",
    or with a colour: "C1--").
    """
    _check_fmt(fmt)
    if not series:
        raise ValueError(f"line_chart {title!r}: expected at least one series, got none")
    lines = []
    for label, values in series.items():
        if isinstance(values, tuple) and len(values) == 2:
            xs, ys = np.asarray(values[0], dtype=float), np.asarray(values[1], dtype=float)
        else:
            ys = np.asarray(values, dtype=float)
            xs = np.arange(len(ys)) if x is None else np.asarray(x, dtype=float)
        if xs.shape != ys.shape or ys.ndim != 1:
            raise ValueError(f"line_chart {title!r}: series {label!r} needs x and y of one "
                             f"length, got {xs.shape} and {ys.shape}")
        lines.append((label, xs, ys))
    with figure_style() as families:
        fig = _new_figure(7.0, 4.2)
        ax = fig.add_subplot()
        for label, xs, ys in lines:
            ax.plot(xs, ys, (styles or {}).get(label, "-"), label=label, linewidth=1.6)
        if logy:
            ax.set_yscale("log")
        ax.set_title(title)
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize="small")
        return _finish(fig, fmt, title, families)


def heatmaps(panels: Sequence[tuple[str, np.ndarray]], title: str,
             col_labels: Sequence[str] | None = None, row_label: str = "unit",
             col_label: str = "step", vmin: float | None = None, vmax: float | None = None,
             cmap: str = "viridis", fmt: str = "svg",
             row_labels: Sequence[str] | None = None) -> Rendered:
    """Heatmaps stacked vertically, one per (panel title, matrix (rows, cols)).

    Rows are units, columns steps (labelled by ``col_labels``, e.g. tokens);
    ``row_labels`` names the rows of every panel instead of numbering them.
    ``vmin``/``vmax`` fix one colour scale for all panels (default: each its own).
    """
    _check_fmt(fmt)
    if not panels:
        raise ValueError(f"heatmaps {title!r}: expected at least one panel, got none")
    mats = [np.asarray(m, dtype=float) for _, m in panels]
    for (name, _), m in zip(panels, mats):
        if m.ndim != 2 or m.size == 0:
            raise ValueError(f"heatmaps {title!r}: panel {name!r} must be a non-empty 2-D "
                             f"array, got shape {m.shape}")
    cols = mats[0].shape[1]
    if col_labels is not None and len(col_labels) != cols:
        raise ValueError(f"heatmaps {title!r}: {len(col_labels)} column labels for {cols} "
                         "columns")
    if row_labels is not None and any(len(row_labels) != m.shape[0] for m in mats):
        raise ValueError(f"heatmaps {title!r}: {len(row_labels)} row labels for panels of "
                         f"{[m.shape[0] for m in mats]} rows")
    width = min(16.0, 3.0 + 0.42 * cols)
    with figure_style() as families:
        fig = _new_figure(width, 1.0 + sum(0.35 + 0.16 * m.shape[0] for m in mats))
        axes = fig.subplots(len(mats), 1, squeeze=False)[:, 0]
        for ax, (name, _), m in zip(axes, panels, mats):
            image = ax.imshow(m, aspect="auto", cmap=cmap, vmin=vmin, vmax=vmax,
                              interpolation="nearest")
            ax.set_title(name, fontsize="medium", loc="left")
            ax.set_ylabel(row_label)
            if row_labels is not None:
                ax.set_yticks(range(m.shape[0]), labels=list(row_labels), fontsize="small")
            else:
                ax.set_yticks(range(m.shape[0]) if m.shape[0] <= 16 else [])
            last = ax is axes[-1]
            if col_labels is not None:
                ax.set_xticks(range(cols), labels=list(col_labels) if last else [],
                              fontsize="small")
            elif not last:
                ax.set_xticklabels([])
            fig.colorbar(image, ax=ax, fraction=0.03, pad=0.01)
        axes[-1].set_xlabel(col_label)
        fig.suptitle(title)
        return _finish(fig, fmt, title, families)
