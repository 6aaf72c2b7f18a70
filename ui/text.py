"""Text that people typed, shown as text: never as Markdown, a link, an image or HTML.

Streamlit renders Markdown in st.markdown, st.write, st.caption, alerts, titles, metric
and widget labels and radio options. A site called ``[Mise à jour](https://evil)`` or a
plan action ``![x](https://tracker/p.png)`` would otherwise become a live link or load an
image from a stranger's server. :func:`plain` backslash-escapes every character Markdown
(CommonMark, and Streamlit's ``:color[...]``, ``:icon:`` and ``$math$`` additions) gives
a meaning to, and HTML's ``<`` and ``&``: the reader sees exactly what was typed.
Use it for data inside Markdown; widgets that show plain text (selectbox options,
dataframe cells, chart labels) need nothing.
"""

from __future__ import annotations

import re

from i18n import RelaisError, gettext

# CommonMark lets any ASCII punctuation be escaped with a backslash; these are the ones
# that can start or end Markdown, Streamlit's extensions or an HTML tag or entity.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=\"'])")
_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")


def plain(value: object) -> str:
    """value as Markdown that displays literally, on one line ("" for None)."""
    if value is None:
        return ""
    text = _LINE_BREAKS.sub(" ", str(value))
    return _SPECIAL.sub(r"\\\1", text)


def plain_list(values) -> str:  # noqa: ANN001 - any iterable of text
    """Comma-separated values, each shown literally."""
    return ", ".join(plain(v) for v in values)


def error_text(err: RelaisError, lang: str) -> str:
    """err in lang, its parameters (a site, a column, an action title...) shown as text.

    The message is Relais's own; only what it quotes came from people, so only that is
    escaped and the message reads as written.
    """
    params = {key: (value if isinstance(value, (int, float)) else
                    error_text(value, lang) if isinstance(value, RelaisError) else plain(value))
              for key, value in err.params.items()}
    return gettext(err.message, lang, **params)
