"""The shell: demo sign-in, role-filtered navigation, language switch, error boundary."""

from streamlit.testing.v1 import AppTest

from tests.demo_db import use_database
from tests.ui.apptest import ROOT, texts


def start(demo_url):
    use_database(demo_url)
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()


def test_visitor_sees_demo_banner_and_role_buttons(demo_url):
    at = start(demo_url)
    assert not at.exception
    assert "Mode démonstration" in texts(at)
    keys = {b.key for b in at.button}
    assert {"demo_director", "demo_manager", "demo_lead", "demo_admin", "demo_trainer"} <= keys


def as_signed_in(demo_url, role, lang="fr"):
    """A fresh AppTest with a signed-in viewer (AppTest drops the sidebar when the page set
    changes between two runs of one AppTest, so each role starts its own)."""
    from tests.ui.apptest import demo_viewer

    use_database(demo_url)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.session_state["viewer"] = demo_viewer(demo_url, role)
    at.session_state["lang"] = lang
    return at.run()


def test_demo_sign_in_as_director(demo_url):
    at = start(demo_url)
    at.button(key="demo_director").click().run()
    assert at.session_state["viewer"].role == "director"
    assert "Bienvenue" in texts(at)
    assert "Directeur·rice de la formation" in texts(at)


def test_sign_out_returns_to_the_demo_home(demo_url):
    at = as_signed_in(demo_url, "director")
    at.button(key="sign_out").click().run()
    assert "viewer" not in at.session_state
    assert "Mode démonstration" in texts(at)


def test_language_switch_is_remembered_for_the_person(demo_url):
    at = as_signed_in(demo_url, "director")
    at.selectbox(key="lang_choice").set_value("en").run()
    assert "Welcome" in texts(at)
    from storage.db import make_engine
    from storage.queries import get_person

    person = get_person(make_engine(demo_url), at.session_state["viewer"].person_id)
    assert person.language == "en"
    # back to French, in a new AppTest (page titles change with the language, see above)
    at = as_signed_in(demo_url, "director", lang="en")
    assert "Welcome" in texts(at)
    at.selectbox(key="lang_choice").set_value("fr").run()
    assert "Bienvenue" in texts(at)
    assert get_person(make_engine(demo_url), at.session_state["viewer"].person_id).language == "fr"


def test_a_failing_page_shows_a_friendly_message_not_a_trace(demo_url, monkeypatch, caplog):
    # Through app.py's default page: AppTest.switch_page runs a page script without
    # app.py (Streamlit's legacy pages/ mode), which is why every page guards itself.
    from storage import queries

    def broken(_engine):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(queries, "demo_people", broken)
    at = start(demo_url)
    assert not at.exception
    assert "Un problème est survenu de notre côté" in texts(at)
    assert "disk on fire" not in texts(at)
    assert "disk on fire" in caplog.text, "the detail goes to the server log"
