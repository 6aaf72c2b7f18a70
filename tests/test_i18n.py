"""Every string the code shows is translated in the French catalogue."""

import pytest

import i18n

from i18n.extract import used_msgids


def test_code_uses_translated_strings():
    assert len(used_msgids()) > 10, "extraction found almost nothing: the test is broken"


def test_french_catalogue_has_every_msgid():
    fr = i18n.catalogue("fr")
    missing = {m: where for m, where in used_msgids().items() if m not in fr}
    assert not missing, "missing from data/i18n/fr/*.po:\n" + "\n".join(
        f"  {where}: {m!r}" for m, where in sorted(missing.items(), key=lambda x: x[1]))


def test_french_translations_keep_placeholders():
    import string
    fields = lambda s: {f for _, f, _, _ in string.Formatter().parse(s) if f}  # noqa: E731
    for msgid, msgstr in i18n.catalogue("fr").items():
        assert fields(msgid) == fields(msgstr), f"placeholders differ: {msgid!r} -> {msgstr!r}"


@pytest.mark.parametrize("lang,expected", [("fr", "fr"), ("en", "en"), ("fr_FR", "fr"),
                                           ("en-GB", "en"), ("de", "fr"), (None, "fr")])
def test_language_normalisation(lang, expected):
    assert i18n.normalise_lang(lang) == expected


def test_two_translators_do_not_share_language():
    fr, en = i18n.Translator("fr"), i18n.Translator("en")
    assert fr.number(1234.5) == "1\u202f234,5" or fr.number(1234.5) == "1\xa0234,5"
    assert en.number(1234.5) == "1,234.5"
