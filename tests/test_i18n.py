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


def test_one_translation_per_msgid_across_feature_catalogues():
    """Catalogues are merged in file order, so a msgid translated twice silently takes the last
    file's text everywhere (a planner label once read "Plan" because the Qualiopi catalogue
    translated the same msgid for a column)."""
    from pathlib import Path

    from babel.messages.pofile import read_po

    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for path in sorted((Path(i18n.__file__).parent.parent / "data/i18n/fr").glob("*.po")):
        with path.open("rb") as fh:
            for msg in read_po(fh):
                if not msg.id:
                    continue
                key = msg.id if isinstance(msg.id, str) else msg.id[0]
                text = msg.string if isinstance(msg.string, str) else msg.string[0]
                first = seen.setdefault(key, (path.name, text))
                if first[1] != text:
                    clashes.append(f"{key!r}: {first[0]} {first[1]!r} vs {path.name} {text!r}")
    assert not clashes, "\n".join(clashes)


@pytest.mark.parametrize("lang,expected", [("fr", "fr"), ("en", "en"), ("fr_FR", "fr"),
                                           ("en-GB", "en"), ("de", "fr"), (None, "fr")])
def test_language_normalisation(lang, expected):
    assert i18n.normalise_lang(lang) == expected


def test_two_translators_do_not_share_language():
    fr, en = i18n.Translator("fr"), i18n.Translator("en")
    assert fr.number(1234.5) == "1\u202f234,5" or fr.number(1234.5) == "1\xa0234,5"
    assert en.number(1234.5) == "1,234.5"
