"""Draw a computational graph of :mod:`seqlab.talk.handprop` as SVG, with no
graph-drawing dependency.

Layout: a computed node's depth is 1 + the largest depth of its parents; an
input sits one column before the first node that uses it; depth d is column d
(inputs to the left of where they are used, the loss on the right), nodes
stacked in each column in topological order. Each node is a box
with four lines — name, op, value (forward, black) and grad (backward, red) —
and an arrow runs from every parent to its child.
"""

from __future__ import annotations

import html
import os
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

LINE_H = 15       # px per text line
PAD = 8           # px inside a box
COL_GAP = 56      # px between columns
ROW_GAP = 22      # px between boxes of one column
CHAR_W = 6.6      # px per narrow character at font-size 11
MAX_CHARS = 48    # longer labels are cut with "…"


def _text_width(text: str) -> float:
    """Approximate width in px (East Asian wide characters count double)."""
    units = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return units * CHAR_W


def _cut(text: str) -> str:
    return text if len(text) <= MAX_CHARS else text[:MAX_CHARS - 1] + "…"


def _depths(nodes: Sequence[Any]) -> dict[int, int]:
    """Column of each node: 1 + the deepest parent for computed nodes; an input
    sits one column before the first node that uses it."""
    depth: dict[int, int] = {}
    for node in nodes:  # parents come first in topological order
        depth[id(node)] = 1 + max((depth[id(p)] for p in node.parents), default=-1)
    first_use: dict[int, int] = {}
    for node in nodes:
        for p in node.parents:
            first_use[id(p)] = min(first_use.get(id(p), depth[id(node)]), depth[id(node)])
    for node in nodes:
        if not node.parents and id(node) in first_use:
            depth[id(node)] = first_use[id(node)] - 1
    return depth


def graph_svg(nodes: Sequence[Any], fmt_value: Callable[[Any, int], str], digits: int = 4) -> str:
    """The SVG text for ``nodes`` (a topological order: parents before children)."""
    depth = _depths(nodes)
    n_cols = 1 + max(depth.values(), default=0)
    columns: list[list[Any]] = [[] for _ in range(n_cols)]
    for node in nodes:
        columns[depth[id(node)]].append(node)

    labels = {}
    for node in nodes:
        labels[id(node)] = [
            _cut(node.name or f"({node.op})"),
            "op: " + (node.op or "input"),
            _cut("value " + fmt_value(node.data, digits)),
            _cut("grad " + fmt_value(node.grad, digits)),
        ]
    box_h = 4 * LINE_H + 2 * PAD
    col_w = [max(90.0, max(_text_width(t) for n in col for t in labels[id(n)]) + 2 * PAD)
             for col in columns]
    col_x = [20.0 + sum(col_w[:j]) + COL_GAP * j for j in range(n_cols)]
    tallest = max(len(col) for col in columns)
    height = 40 + tallest * box_h + (tallest - 1) * ROW_GAP
    width = col_x[-1] + col_w[-1] + 20

    pos: dict[int, tuple[float, float, float]] = {}  # id -> (x, y, w)
    for j, col in enumerate(columns):
        span = len(col) * box_h + (len(col) - 1) * ROW_GAP
        top = 20 + (height - 40 - span) / 2
        for i, node in enumerate(col):
            pos[id(node)] = (col_x[j], top + i * (box_h + ROW_GAP), col_w[j])

    esc = html.escape
    out = [
        (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
         f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="monospace" font-size="11">'),
        "<title>computational graph: value (black) forward, grad (red) backward</title>",
        ('<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
         'markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" '
         'fill="#555"/></marker></defs>'),
    ]
    for node in nodes:
        x1, y1, _ = pos[id(node)]
        for parent in node.parents:
            x0, y0, w0 = pos[id(parent)]
            sx, sy, ex, ey = x0 + w0, y0 + box_h / 2, x1, y1 + box_h / 2
            mx = (sx + ex) / 2
            out.append(f'<path class="edge" d="M {sx:.1f} {sy:.1f} C {mx:.1f} {sy:.1f} '
                       f'{mx:.1f} {ey:.1f} {ex:.1f} {ey:.1f}" fill="none" stroke="#555" '
                       'marker-end="url(#arrow)"/>')
    for node in nodes:
        x, y, w = pos[id(node)]
        name, op, value, grad = labels[id(node)]
        fill = "#eef4ff" if not node.parents else "#ffffff"
        out.append(f'<g class="node" data-name="{esc(node.name, quote=True)}">')
        out.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{box_h}" rx="6" '
                   f'fill="{fill}" stroke="#333"/>')
        for k, (text, style) in enumerate([(name, 'font-weight="bold"'),
                                           (op, 'fill="#666"'), (value, 'fill="#000"'),
                                           (grad, 'fill="#c00"')]):
            ty = y + PAD + (k + 1) * LINE_H - 3
            out.append(f'<text x="{x + PAD:.1f}" y="{ty:.1f}" {style}>{esc(text)}</text>')
        out.append("</g>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


def write_graph_svg(svg: str, path: str | os.PathLike[str]) -> Path:
    """Write SVG text atomically (see :func:`seqlab.report.html.write_text_atomic`)."""
    from seqlab.report.html import write_text_atomic

    return write_text_atomic(path, svg)
