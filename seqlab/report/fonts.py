"""The Korean font seqlab draws and embeds Hangul with.

matplotlib's own font (DejaVu Sans) has no Hangul, and the machine that
opens a report may have no Hangul font either. seqlab therefore brings one:
Noto Sans KR (Regular, SIL Open Font License 1.1), shipped as a data-only
package on PyPI, ``pylopdf-fonts-ko``, which ``pip install 'seqlab[plot]'``
installs. The same file serves both outputs:

- figures (:mod:`seqlab.report.figures`) register it with matplotlib's font
  manager when they draw, after DejaVu Sans in the font list, so Latin text
  keeps DejaVu Sans and Hangul falls back to Noto Sans KR;
- HTML pages (:class:`seqlab.report.html.HtmlPage`) embed the glyphs of the
  characters the page uses, cut out of the font by fontTools' subsetter, as
  one WOFF ``@font-face`` named :data:`FAMILY` — the name inline SVG figures
  ask for after DejaVu Sans — so tables and figures show Hangul on any
  machine, for a few kB.

Without the package, figures use an installed system font with Hangul when
matplotlib knows one, and pages rely on the reader's fonts.
"""

from __future__ import annotations

import base64
import functools
import io
import unicodedata
from pathlib import Path

FAMILY = "Noto Sans KR"
PACKAGE = "pylopdf-fonts-ko"
INSTALL_HINT = "pip install 'seqlab[plot]'"
LATIN_FAMILY = "DejaVu Sans"  # matplotlib's own font
SYSTEM_HANGUL_FAMILIES = ("Noto Sans CJK KR", "Noto Sans KR", "NanumGothic", "Malgun Gothic",
                          "AppleGothic", "UnDotum", "Baekmuk Gulim")
_KOREAN_FONT_SCRIPTS = ("HANGUL", "CJK", "FULLWIDTH")


def hangul_font_file() -> Path | None:
    """Noto Sans KR from the ``pylopdf-fonts-ko`` package, or None where it is
    not installed."""
    try:
        import pylopdf_fonts_ko
    except ImportError:
        return None
    path = Path(pylopdf_fonts_ko.sans_path())
    return path if path.is_file() else None


@functools.cache
def _register(path: str) -> str:
    """Add a font file to matplotlib's font manager (once per file); its family name."""
    from matplotlib import font_manager

    font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path).get_name()


def matplotlib_families() -> list[str]:
    """The font list figures are drawn with: DejaVu Sans, then a font with
    Hangul — the packaged one (registered with matplotlib here), else the first
    installed system font matplotlib knows — when there is one."""
    from matplotlib import font_manager

    path = hangul_font_file()
    if path is not None:
        return [LATIN_FAMILY, _register(str(path))]
    known = {f.name for f in font_manager.fontManager.ttflist}
    return [LATIN_FAMILY, *[name for name in SYSTEM_HANGUL_FAMILIES if name in known][:1]]


def korean_characters(text: str) -> str:
    """The characters of ``text`` the Korean font is for — Hangul, CJK
    ideographs and symbols (Hanja), full-width forms — once each, in
    code-point order."""
    return "".join(sorted(ch for ch in set(text)
                          if unicodedata.name(ch, "").startswith(_KOREAN_FONT_SCRIPTS)))


def subset_woff(path: Path, characters: str) -> bytes:
    """The font at ``path`` cut down to ``characters`` (those it has), as WOFF.

    No hinting and no layout features: the page only needs the outlines of
    these characters, shaped one by one (Hangul syllables are precomposed).
    """
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.flavor = "woff"
    options.layout_features = []
    options.hinting = False
    options.desubroutinize = True
    buffer = io.BytesIO()
    with TTFont(path, lazy=True) as font:
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=[ord(ch) for ch in characters])
        subsetter.subset(font)
        font.save(buffer)
    return buffer.getvalue()


def font_face_css(text: str) -> str:
    """An ``@font-face`` rule embedding :data:`FAMILY` for the characters of
    ``text`` that :func:`korean_characters` picks; "" when there are none, or
    when the font or fontTools is not installed."""
    characters = korean_characters(text)
    path = hangul_font_file()
    if not characters or path is None:
        return ""
    try:
        data = subset_woff(path, characters)
    except ImportError:
        return ""
    uri = "data:font/woff;base64," + base64.b64encode(data).decode("ascii")
    return f'@font-face {{ font-family: "{FAMILY}"; src: url({uri}) format("woff"); }}\n'
