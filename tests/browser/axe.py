"""axe-core in the browser: inject the pinned copy, run the WCAG 2.1 A/AA rules, sort by impact."""

from __future__ import annotations

import json
from pathlib import Path

AXE_DIR = Path(__file__).resolve().parent / "axe"
AXE_JS = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
# The rules RGAA 4.1 rests on: WCAG 2.0 and 2.1, levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")


def axe_version() -> str:
    """The installed axe-core version (from its package.json)."""
    return json.loads((AXE_DIR / "node_modules" / "axe-core" / "package.json").read_text())["version"]


def missing_message() -> str:
    return (f"axe-core is not installed at {AXE_JS}: run `make setup-test` "
            "(npm ci --prefix tests/browser/axe)")


def run_axe(page) -> list[dict]:  # noqa: ANN001
    """Run axe on the whole document; violations as {id, impact, help, targets}."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                               resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.slice(0, 5).map(n => n.target.join(' ')),
                count: v.nodes.length}));
        }""", WCAG_TAGS)
    return result


def blocking(violations: list[dict]) -> list[dict]:
    """The serious and critical ones: those the audit fails on."""
    return [v for v in violations if v["impact"] in BLOCKING]
