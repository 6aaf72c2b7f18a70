"""Every page renders for every role allowed on it and refuses every other role."""

import pytest

from tests.demo_db import use_database
from tests.ui.apptest import demo_viewer, run_page, texts
from ui.navigation import ALL_ROLES, PAGES

CASES = [(spec.script, role) for spec in PAGES for role in sorted(ALL_ROLES)]


@pytest.fixture(autouse=True)
def _demo(demo_url):
    use_database(demo_url)


@pytest.mark.parametrize("script,role", CASES)
def test_page_for_role(demo_url, script, role):
    spec = next(p for p in PAGES if p.script == script)
    at = run_page(script, demo_viewer(demo_url, role))
    assert not at.exception, at.exception
    shown = texts(at)
    if role in spec.roles:
        assert "Vous n’avez pas accès à cette page." not in shown
        assert at.title, "an allowed page shows its title"
    else:
        assert "Vous n’avez pas accès à cette page." in shown


@pytest.mark.parametrize("script", [p.script for p in PAGES if not p.visitor])
def test_page_refuses_visitor_who_is_not_signed_in(demo_url, script):
    at = run_page(script, None)
    assert not at.exception
    assert "Veuillez vous connecter pour voir cette page." in texts(at)


@pytest.mark.parametrize("lang,expected", [("fr", "Organisation"), ("en", "Organisation")])
def test_pages_render_in_both_languages(demo_url, lang, expected):
    at = run_page("pages/organisation.py", demo_viewer(demo_url, "admin"), lang=lang)
    assert at.title[0].value == expected
    labels = [m.label for m in at.metric]
    assert labels == (["Régions", "Sites", "Formateur·rices"] if lang == "fr"
                      else ["Regions", "Sites", "Trainers"])


@pytest.mark.parametrize("script", [p.script for p in PAGES])
def test_every_page_leaves_streamlit_legacy_folder_mode_before_drawing(script):
    """A deep link that is a fresh server's first request runs the page without app.py
    (Streamlit's pages/ folder mode); each page must switch back (ensure_shell, which
    require() calls) before it draws anything at module level."""
    from tests.ui.apptest import ROOT

    lines = (ROOT / script).read_text(encoding="utf-8").splitlines()
    guard = next((i for i, line in enumerate(lines)
                  if "require(" in line or "ensure_shell(" in line), None)
    assert guard is not None, f"{script} never calls require() or ensure_shell()"
    drawn_before = [line for line in lines[:guard] if line.startswith("st.")]
    assert not drawn_before, f"{script} draws before its guard: {drawn_before}"


def test_no_page_file_shadows_a_package_or_the_standard_library():
    """Streamlit and AppTest put pages/ on sys.path: pages/survey.py would be imported in
    place of the survey package (seen in a fresh benchmark process), pages/site.py in place
    of Python's own site module."""
    import sys

    from tests.ui.apptest import ROOT

    ours = {p.stem for p in ROOT.iterdir() if (p / "__init__.py").exists() or p.suffix == ".py"}
    for page in (ROOT / "pages").glob("*.py"):
        assert page.stem not in ours, f"{page.name} shadows the {page.stem} package"
        assert page.stem not in sys.stdlib_module_names, f"{page.name} shadows the stdlib"
