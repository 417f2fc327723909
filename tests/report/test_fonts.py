"""The Korean font: Hangul drawn with real glyphs in figures, embedded in HTML pages."""

from __future__ import annotations

import base64
import io
import re

import numpy as np
import pytest

from seqlab.report import fonts
from seqlab.report.html import HtmlPage

needs_font = pytest.mark.skipif(
    fonts.hangul_font_file() is None,
    reason=f"the Korean font package {fonts.PACKAGE} is not installed ({fonts.INSTALL_HINT})")


def _embedded_font(css: str):
    from fontTools.ttLib import TTFont

    data = re.search(r"url\(data:font/woff;base64,([A-Za-z0-9+/=]+)\)", css).group(1)
    return TTFont(io.BytesIO(base64.b64decode(data)))


# ------------------------------------------------------------------ figures
def _ink(text: str, families: list[str] | None = None) -> np.ndarray:
    """``text`` drawn large in seqlab's figure style (or with ``families`` only),
    as a mask of the dark pixels of the PNG."""
    import matplotlib
    from matplotlib.figure import Figure
    from matplotlib.image import imread

    from seqlab.report.figures import figure_style

    buf = io.BytesIO()
    with figure_style(), matplotlib.rc_context({} if families is None else
                                               {"font.family": families}):
        fig = Figure(figsize=(1.2, 1.2), dpi=100)
        fig.text(0.5, 0.5, text, fontsize=60, ha="center", va="center")
        fig.savefig(buf, format="png")
    return imread(io.BytesIO(buf.getvalue()))[..., :3].mean(axis=2) < 0.5


@needs_font
def test_figures_draw_latin_with_dejavu_and_fall_back_to_noto_sans_kr():
    pytest.importorskip("matplotlib")
    from matplotlib import font_manager

    assert fonts.matplotlib_families() == [fonts.LATIN_FAMILY, fonts.FAMILY]
    found = font_manager.findfont(font_manager.FontProperties(family=fonts.FAMILY),
                                  fallback_to_default=False)
    assert found == str(fonts.hangul_font_file())


@needs_font
def test_hangul_in_a_png_is_drawn_with_glyphs_not_the_missing_glyph_box():
    """A missing glyph is drawn as a box — the same box for every syllable
    (matplotlib's .notdef, or since 3.11 its Last Resort font's "Hangul
    Syllables" box). With DejaVu Sans alone, as figures were drawn before, 세
    and 종 give that one box; with seqlab's figure fonts they differ from it
    and from each other."""
    pytest.importorskip("matplotlib")
    with pytest.warns(UserWarning, match="missing from font"):
        box_se = _ink("세", families=[fonts.LATIN_FAMILY])
    with pytest.warns(UserWarning, match="missing from font"):
        box_jong = _ink("종", families=[fonts.LATIN_FAMILY])
    assert np.array_equal(box_se, box_jong) and box_se.sum() > 100
    se, jong = _ink("세"), _ink("종")  # a missing-glyph warning here fails the test
    for glyph in (se, jong):
        assert glyph.sum() > 100 and not np.array_equal(glyph, box_se)
    assert not np.array_equal(se, jong)


@needs_font
def test_public_figures_with_korean_labels_emit_no_missing_glyph_warning():
    pytest.importorskip("matplotlib")
    from seqlab.report.figures import heatmaps, line_chart

    labels = ["세종은", "1443년에", "창제(創製)함."]
    png = heatmaps([("f: 게이트", np.eye(3))], "게이트 gates", col_labels=labels, fmt="png")
    assert png.data.startswith(b"\x89PNG")
    svg = line_chart({"손실 loss": [3.0, 2.0, 1.0]}, "학습 곡선", "t", "값").text()
    assert "학습 곡선" in svg
    assert "font-family: 'DejaVu Sans', 'Noto Sans KR', sans-serif" in svg


def test_without_a_hangul_font_one_warning_says_how_to_install_it(monkeypatch):
    pytest.importorskip("matplotlib")
    from seqlab.report.figures import HangulFontWarning, heatmaps

    monkeypatch.setattr(fonts, "hangul_font_file", lambda: None)
    monkeypatch.setattr(fonts, "SYSTEM_HANGUL_FAMILIES", ())
    assert fonts.matplotlib_families() == [fonts.LATIN_FAMILY]
    with pytest.warns(HangulFontWarning, match=r"pip install 'seqlab\[plot\]'") as caught:
        heatmaps([("p", np.eye(2))], "t", col_labels=["세종", "b"], fmt="png")
    assert len(caught) == 1  # not one warning per missing glyph
    heatmaps([("p", np.eye(2))], "t", col_labels=["a", "b"], fmt="png")  # Latin: no warning


# --------------------------------------------------------------------- HTML
def test_korean_characters_are_hangul_cjk_and_full_width_ones():
    assert fonts.korean_characters("We are 세종 創製 ‖ é ｘ 세") == "創製세종ｘ"
    assert fonts.korean_characters("plain ASCII, ‖dL/dh‖ and é") == ""


@needs_font
def test_the_page_embeds_exactly_the_glyphs_of_its_korean_characters():
    pytest.importorskip("fontTools")
    text = "<p>난 널 사랑해</p><svg><text>세종은 創製</text></svg>"
    css = fonts.font_face_css(text)
    assert css.startswith(f'@font-face {{ font-family: "{fonts.FAMILY}";')
    font = _embedded_font(css)
    assert set(font.getBestCmap()) == {ord(ch) for ch in "난널사랑해세종은創製"}
    assert font["name"].getBestFamilyName() == fonts.FAMILY
    assert len(css) < 12_000  # a few kB, not the 4.6 MB font
    assert fonts.font_face_css("no Korean here") == ""


@needs_font
def test_an_html_page_puts_the_embedded_font_first_only_when_it_embeds_one():
    pytest.importorskip("fontTools")
    page = HtmlPage("번역 translation")
    page.add_text("I love you → 난 널 사랑해")
    text = page.render()
    assert "@font-face" in text
    assert f'body {{ font-family: "{fonts.FAMILY}", system-ui, sans-serif;' in text
    assert set(_embedded_font(text).getBestCmap()) == {ord(ch) for ch in "번역난널사랑해"}
    latin = HtmlPage("translation")
    latin.add_text("I love you")
    assert "@font-face" not in latin.render() and fonts.FAMILY not in latin.render()


def test_without_the_font_package_the_page_embeds_nothing(monkeypatch):
    monkeypatch.setattr(fonts, "hangul_font_file", lambda: None)
    page = HtmlPage("세종")
    assert "@font-face" not in page.render() and fonts.FAMILY not in page.render()
