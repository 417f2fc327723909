"""How narrow an SVG picture may be shown before its text is too small to read.

A page scales an inline SVG down to the width of its column; a wide picture
(a long computational graph, a heatmap over many tokens) then shows its text
at a few pixels. :func:`readable_width` is the width in CSS pixels at which
the picture's smallest text is still :data:`MIN_TEXT_PX` tall;
:class:`seqlab.report.html.HtmlPage` never shows an SVG narrower than that
(a narrower column scrolls it sideways instead).

Sizes are read from the ``<svg>`` element's ``viewBox`` (or ``width``) and from
``font-size`` attributes and ``font-size: …px`` declarations, both in the
picture's own units, as seqlab's SVG and matplotlib's write them.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

MIN_TEXT_PX = 10.0

_FONT_SIZE_STYLE = re.compile(r"font-size:\s*([0-9.]+)(?:px)?\s*(?:;|$)")
_LENGTH = re.compile(r"\s*([0-9.]+)\s*(px|pt)?\s*$")


def view_width(root: ET.Element) -> float | None:
    """The width of the picture in its own units (viewBox, else width in px)."""
    box = root.get("viewBox")
    if box:
        parts = box.replace(",", " ").split()
        if len(parts) == 4:
            return float(parts[2])
    width = _LENGTH.match(root.get("width", ""))
    return float(width.group(1)) if width and width.group(2) in (None, "px") else None


def smallest_font(root: ET.Element) -> float | None:
    """The smallest font size used in the picture, in its own units."""
    sizes = []
    for element in root.iter():
        attribute = _LENGTH.match(element.get("font-size", ""))
        if attribute and attribute.group(2) in (None, "px"):
            sizes.append(float(attribute.group(1)))
        sizes.extend(float(m) for m in _FONT_SIZE_STYLE.findall(element.get("style", "")))
    return min(sizes, default=None)


def readable_width(root: ET.Element, min_text_px: float = MIN_TEXT_PX) -> float | None:
    """The narrowest width (CSS px) at which the smallest text is ``min_text_px``
    tall; None for a picture without text or without a known width."""
    width, font = view_width(root), smallest_font(root)
    if width is None or not font:
        return None
    return width * min_text_px / font
