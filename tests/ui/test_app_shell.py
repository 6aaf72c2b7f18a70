"""The shell: demo sign-in, role-filtered navigation, language switch, error boundary."""

from streamlit.testing.v1 import AppTest

from tests.demo_db import use_database
from tests.ui.apptest import script_path, texts


def start(demo_url):
    use_database(demo_url)
    return AppTest.from_file(script_path("app.py"), default_timeout=30).run()


def test_visitor_sees_demo_banner_and_role_buttons(demo_url):
    at = start(demo_url)
    assert not at.exception
    assert "Mode démonstration" in texts(at)
    keys = {b.key for b in at.button}
    assert {"demo_director", "demo_manager", "demo_lead", "demo_admin", "demo_trainer"} <= keys


def test_demo_sign_in_as_director_then_sign_out(demo_url):
    at = start(demo_url)
    at.button(key="demo_director").click().run()
    assert at.session_state["viewer"].role == "director"
    assert "Directeur·rice de la formation" in texts(at) or "Bienvenue" in texts(at)
    at.button(key="sign_out").click().run()
    assert "viewer" not in at.session_state
    assert "Mode démonstration" in texts(at)


def test_language_switch_is_remembered_for_the_person(demo_url):
    at = start(demo_url)
    at.button(key="demo_director").click().run()
    at.selectbox(key="lang_choice").set_value("en").run()
    assert "Welcome" in texts(at)
    from storage.db import make_engine
    from storage.queries import get_person

    person = get_person(make_engine(demo_url), at.session_state["viewer"].person_id)
    assert person.language == "en"
    at.selectbox(key="lang_choice").set_value("fr").run()
    assert "Bienvenue" in texts(at)
