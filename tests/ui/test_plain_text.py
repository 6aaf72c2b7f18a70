"""Typed text is displayed literally: checked with a CommonMark renderer that allows raw HTML
(the worst case), so a link, an image or a tag typed into a name cannot survive escaping."""

import html

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from ui.text import plain

MD = MarkdownIt("commonmark", {"html": True})
EVIL = "[x](http://evil) ![i](http://e/i.png) <b>b</b>"


def rendered_text(markdown: str) -> str:
    """The HTML CommonMark makes of markdown."""
    return MD.render(markdown)


@pytest.mark.parametrize("typed", [
    EVIL, "<script>alert(1)</script>", "&lt;b&gt;", "**gras** _it_ `code`", "# Titre",
    "1. liste", "- puce", "> citation", ":red[rouge] :material/home: $x^2$", "a\\b", "a\n\n# b",
    "<https://evil.example>", "[ref]: http://evil", "| a | b |", "Saint-Étienne (42)",
])
def test_typed_text_renders_as_one_paragraph_of_the_same_text(typed):
    html = rendered_text(plain(typed))
    assert "<a" not in html and "<img" not in html and "<b>" not in html
    assert "<script" not in html and "<h1" not in html and "<ol" not in html
    assert html.startswith("<p>") and html.count("<p>") == 1


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
               max_size=60))
def test_any_text_shows_literally(typed):
    out = rendered_text("x " + plain(typed))  # "x " so the paragraph is never empty
    assert out.startswith("<p>") and out.endswith("</p>\n") and out.count("<p>") == 1
    assert "<" not in out[3:-5]  # no element at all inside the paragraph
    shown = html.unescape(out[3:-5])
    assert shown.split() == ("x " + typed).split()  # the same words; spacing is the browser's


def test_error_text_escapes_what_the_message_quotes_not_the_message():
    from i18n import RelaisError
    from ui.text import error_text

    err = RelaisError("Line {line}: unknown site {site}.", line=3, site=EVIL)
    shown = rendered_text(error_text(err, "en"))
    assert "<a" not in shown and "<img" not in shown and "<b>" not in shown
    assert html.unescape(shown) == f"<p>Line 3: unknown site {EVIL}.</p>\n"
    nested = RelaisError("Custom question {n}: {problem}", n=1,
                         problem=RelaisError("bad {value}", value="*x*"))
    assert error_text(nested, "en") == "Custom question 1: bad \\*x\\*"
