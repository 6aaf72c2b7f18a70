"""Translation layer: every user-facing string goes through here.

Source strings (msgids) are written in English in the code; the French
catalogue, the default language, must translate every one of them
(tests/test_i18n.py fails otherwise).  Catalogues live in data/i18n/<lang>/
as several .po files, one per feature, merged at load time, so that features
can add strings without editing the same file.

Nothing here holds a "current language": callers pass the language of the
person they are serving, so two users in one process never share a language.
"""

from __future__ import annotations

import datetime as _dt
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date as _format_date
from babel.dates import format_datetime as _format_datetime
from babel.messages.pofile import read_po
from babel.numbers import format_decimal as _format_decimal
from babel.numbers import format_percent as _format_percent

DEFAULT_LANG = "fr"
LANGS: tuple[str, ...] = ("fr", "en")
LOCALES = {"fr": "fr_FR", "en": "en_GB"}
SOURCE_LANG = "en"
CATALOGUE_DIR = Path(__file__).resolve().parent.parent / "data" / "i18n"


def N_(message: str) -> str:
    """Mark a string for extraction without translating it now."""
    return message


def normalise_lang(lang: str | None) -> str:
    """Return a supported language code, falling back to French."""
    if lang:
        short = lang.replace("-", "_").split("_")[0].lower()
        if short in LANGS:
            return short
    return DEFAULT_LANG


@lru_cache(maxsize=None)
def catalogue(lang: str) -> dict[str, str]:
    """Merged msgid -> msgstr mapping of every .po file for a language."""
    merged: dict[str, str] = {}
    folder = CATALOGUE_DIR / lang
    for path in sorted(folder.glob("*.po")):
        with path.open("rb") as fh:
            cat = read_po(fh, locale=lang)
        for msg in cat:
            if msg.id and msg.string and not msg.fuzzy:
                key = msg.id if isinstance(msg.id, str) else msg.id[0]
                merged[key] = msg.string if isinstance(msg.string, str) else msg.string[0]
    return merged


def gettext(message: str, lang: str, **params: object) -> str:
    """Translate a message into lang and fill its {named} placeholders."""
    lang = normalise_lang(lang)
    text = message if lang == SOURCE_LANG else catalogue(lang).get(message, message)
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError, ValueError):
            return message.format(**params)
    return text


class Translator:
    """A callable bound to one person's language: ``t("Save")``."""

    def __init__(self, lang: str | None = None):
        self.lang = normalise_lang(lang)
        self.locale = Locale.parse(LOCALES[self.lang])

    def __call__(self, message: str, **params: object) -> str:
        return gettext(message, self.lang, **params)

    def number(self, value: float, digits: int = 1) -> str:
        """A number formatted for the locale (decimal comma in French)."""
        fmt = "#,##0" + ("." + "0" * digits if digits else "")
        return _format_decimal(value, format=fmt, locale=self.locale)

    def percent(self, value: float, digits: int = 0) -> str:
        fmt = "#,##0" + ("." + "0" * digits if digits else "") + "%"
        return _format_percent(value, format=fmt, locale=self.locale)

    def date(self, value: _dt.date | _dt.datetime | None, fmt: str = "medium") -> str:
        if value is None:
            return "—"
        if isinstance(value, _dt.datetime):
            return _format_datetime(value, format=fmt, locale=self.locale)
        return _format_date(value, format=fmt, locale=self.locale)


class RelaisError(Exception):
    """A problem a person can fix: an English msgid plus its parameters.

    Domain code raises it; the edge renders it in the reader's language with
    :meth:`render`.  ``str(err)`` gives the English text for logs.
    """

    def __init__(self, message: str, **params: object):
        self.message = message
        self.params = params
        super().__init__(message.format(**params) if params else message)

    def render(self, lang: str) -> str:
        return gettext(self.message, lang, **params_rendered(self.params, lang))


def params_rendered(params: dict[str, object], lang: str) -> dict[str, object]:
    """Translate parameters that are themselves RelaisErrors (nested messages)."""
    return {k: (v.render(lang) if isinstance(v, RelaisError) else v) for k, v in params.items()}
