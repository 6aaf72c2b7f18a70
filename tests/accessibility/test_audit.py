"""The statement's figures are the audit's: read from its JSON, and the committed JSON covers
every page of the current menu for every role and visitors, in both languages."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from accessibility import audit
from i18n import LANGS, RelaisError
from ui.navigation import ROLE_NAMES, pages_for


def page(run, name, *impacts, html_lang=None):  # noqa: ANN001, ANN201
    lang = run.rsplit("-", 1)[1]
    return {"run": run, "page": name, "lang": lang, "html_lang": html_lang or lang,
            "violations": [{"id": f"rule{i}", "impact": imp} for i, imp in enumerate(impacts)]}


def report(*pages, other=()):  # noqa: ANN001, ANN201
    return {"date": "2026-11-26", "tool": "axe-core 4.14.1", "standard": "WCAG 2.1 A/AA",
            "runs": sorted({p["run"] for p in pages}), "other_violations": list(other),
            "pages": list(pages)}


@pytest.mark.parametrize("pages,blocking,bad", [
    ([page("admin-fr", "home"), page("admin-en", "home")], 0, ()),
    ([page("admin-fr", "home", "minor", "moderate")], 0, ()),
    ([page("admin-fr", "home", "serious", "critical", "minor")], 2, ("admin-fr/home",)),
    ([page("lead-en", "planner", html_lang="fr"), page("lead-en", "home")], 0,
     ("lead-en/planner",)),
])
def test_summary_counts_blocking_violations_and_wrong_languages(pages, blocking, bad):  # noqa: ANN001
    s = audit.summarise(report(*pages, other=["region (moderate)"]))
    assert (s.pages_audited, s.blocking, s.pages_with_blocking) == (len(pages), blocking, bad)
    assert s.date == dt.date(2026, 11, 26) and s.other_rules == ("region (moderate)",)


@pytest.mark.parametrize("content,message", [
    (None, "No accessibility audit has been recorded yet (audit.json)."),
    ("{not json", "The accessibility audit file audit.json cannot be read."),
    ('{"date": "2026-11-26"}', "The accessibility audit file audit.json cannot be read."),
])
def test_a_missing_or_broken_file_is_a_clear_message(tmp_path, content, message):  # noqa: ANN001
    path = tmp_path / "audit.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(RelaisError) as err:
        audit.load(path)
    assert err.value.render("en") == message


def test_the_committed_audit_covers_the_current_menu():
    """A page added to the menu without re-running the audit makes this fail: the statement
    would otherwise publish figures about a site that no longer exists."""
    data = json.loads(audit.AUDIT_JSON.read_text(encoding="utf-8"))
    seen = {(p["run"], p["page"]) for p in data["pages"]}
    expected = {(f"{role or 'visitor'}-{lang}", spec.url_path)
                for role in [None, *ROLE_NAMES] for lang in LANGS for spec in pages_for(role)}
    assert expected <= seen, sorted(expected - seen)
    assert audit.load().pages_audited == len(data["pages"]) >= len(expected)
