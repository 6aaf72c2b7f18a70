"""The accessibility statement shows the committed audit's own figures, in both languages."""

import pytest

from accessibility import audit
from tests.ui.apptest import run_page, texts


@pytest.mark.parametrize("lang,pages,violations,title", [
    ("fr", "Pages auditées : {n} :", "Violations graves ou critiques trouvées : {n}.",
     "Déclaration d'accessibilité"),
    ("en", "Pages audited: {n}:", "Serious or critical violations found: {n}.",
     "Accessibility statement"),
])
def test_statement_shows_the_audits_figures(demo_url, lang, pages, violations, title):  # noqa: ANN001
    found = audit.load()
    at = run_page("pages/accessibility_statement.py", None, lang=lang)
    assert not at.exception
    shown = texts(at)
    assert at.title[0].value == title
    assert pages.format(n=found.pages_audited) in shown
    assert violations.format(n=found.blocking) in shown
    assert found.tool in shown
