"""In a real browser: a site name and an approach typed as a Markdown link, an image and an
HTML tag show as that text; the table toolbar offers no "Download as CSV".

Runs its own servers on a copy of the demo database (the shared one keeps its names). The
control server is started with Streamlit's toolbar export on, so the test knows where the
button would be and cannot pass by looking in the wrong place.
"""

import shutil

import pytest
from sqlalchemy.engine import make_url
from sqlmodel import select

from champions.quadrants import QUADRANTS
from champions.settings import save_approach
from storage.db import make_engine, write_session
from storage.models import Site
from tests.browser import conftest
from tests.browser.helpers import enter_demo, wait_idle

pytestmark = pytest.mark.browser
EVIL = "[x](http://evil) ![i](http://e/i.png) <b>b</b>"


@pytest.fixture(scope="module")
def evil_db(demo_url, tmp_path_factory):
    """A copy of the demo with one site and every approach named EVIL."""
    folder = tmp_path_factory.mktemp("evil")
    shutil.copy(make_url(demo_url).database, folder / "demo.db")
    url = f"sqlite:///{folder / 'demo.db'}"
    eng = make_engine(url)
    with write_session(eng) as s:
        site = s.exec(select(Site).order_by(Site.id)).first()
        site.name = EVIL
    for quadrant in QUADRANTS:
        save_approach(eng, quadrant, "fr", EVIL, None)
    eng.dispose()
    return url


def _open_champions_map(page, url):  # noqa: ANN001
    enter_demo(page, url, "Responsable ingénierie numérique", "Carte des relais")
    page.get_by_text("Carte des sites").first.wait_for()
    wait_idle(page)


def _toolbar_buttons(page) -> list[str]:  # noqa: ANN001
    """Labels of the toolbar buttons of the first table, shown on hover."""
    box = page.locator('[data-testid="stElementContainer"]').filter(
        has=page.locator('[data-testid="stDataFrame"]')).first
    box.scroll_into_view_if_needed()
    box.hover()
    toolbar = box.locator('[data-testid="stElementToolbar"]').first
    toolbar.wait_for()
    return [b.get_attribute("aria-label") or b.inner_text()
            for b in toolbar.locator("button").all()]


def test_typed_names_show_literally_and_tables_cannot_be_downloaded(evil_db, page, tmp_path):
    with conftest.streamlit_server(evil_db, tmp_path / "server.log") as url:
        _open_champions_map(page, url)
        app = page.locator('[data-testid="stMain"]')
        assert app.get_by_text(EVIL, exact=False).count() >= 2  # a quadrant list, an approach
        assert page.locator('a[href^="http://evil"]').count() == 0
        assert page.locator('img[src^="http://e/"]').count() == 0
        assert app.locator("b", has_text="b").count() == 0
        buttons = _toolbar_buttons(page)
        assert buttons and not any("csv" in (b or "").lower() for b in buttons), buttons
        conftest.shot(page, "safe-rendering")


def test_control_the_toolbar_button_exists_when_export_is_allowed(evil_db, page, tmp_path,
                                                                monkeypatch):
    """Same page on a server whose toolbar export is on: the CSV button is found."""
    monkeypatch.setenv("STREAMLIT_CLIENT_DISABLE_DATA_EXPORT", "false")
    with conftest.streamlit_server(evil_db, tmp_path / "server.log") as url:
        _open_champions_map(page, url)
        buttons = _toolbar_buttons(page)
        assert any("csv" in (b or "").lower() for b in buttons), buttons
