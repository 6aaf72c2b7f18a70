"""Small Playwright moves on Streamlit widgets."""

from __future__ import annotations


def wait_idle(page) -> None:  # noqa: ANN001
    """Wait until Streamlit has finished running the script."""
    page.wait_for_selector('[data-testid="stApp"]', state="attached")
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=30_000)


def choose(page, label: str, option: str) -> None:  # noqa: ANN001
    """Pick option in the selectbox labelled label."""
    box = page.get_by_label(label, exact=True)
    box.click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_idle(page)
