"""Small Playwright moves on Streamlit widgets."""

from __future__ import annotations

APP = '[data-testid="stApp"]'


def wait_idle(page, started_within_ms: int = 600) -> None:  # noqa: ANN001
    """Wait until Streamlit has finished the script run an action triggered.

    Uses the attributes Streamlit's own end-to-end tests read: the app's
    data-test-script-state, then no element still marked stale from the
    previous run (clicking a stale widget is what makes journeys flaky).
    """
    page.wait_for_selector(APP, state="attached")
    try:  # a click starts a run a moment later; wait for it to start, briefly
        page.wait_for_selector(f'{APP}[data-test-script-state="running"]',
                               timeout=started_within_ms)
    except Exception:  # noqa: BLE001 - the run was already over, or nothing reran
        pass
    page.wait_for_selector(f'{APP}:not([data-test-script-state="running"])', timeout=60_000)
    page.wait_for_function("() => !document.querySelector('[data-stale=\"true\"]')",
                           timeout=30_000)


def choose(page, label: str, option: str) -> None:  # noqa: ANN001
    """Pick option in the selectbox labelled label."""
    box = page.get_by_label(label, exact=True)
    box.click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_idle(page)


def enter_demo(page, app_url: str, role_button: str, menu_link: str | None = None) -> None:  # noqa: ANN001
    """Open the home page, enter the demo with a role's button, then follow a menu link."""
    page.goto(app_url)
    wait_idle(page)
    page.get_by_role("button", name=role_button).click()
    page.get_by_text("Bienvenue").first.wait_for()
    if menu_link:
        page.get_by_role("link", name=menu_link).click()
        wait_idle(page)
