"""The figures of the accessibility statement, read from the audit's own output.

tests/browser/test_accessibility.py writes data/accessibility/audit.json after a complete
run (every role and visitors, French and English); nothing here is written by hand.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from i18n import RelaisError

AUDIT_JSON = Path(__file__).resolve().parent.parent / "data" / "accessibility" / "audit.json"


@dataclass(frozen=True)
class AuditSummary:
    """What one complete audit run saw."""

    date: dt.date
    tool: str  # e.g. "axe-core 4.14.1"
    standard: str
    runs: int  # (role or visitor) x language combinations
    pages_audited: int
    blocking: int  # serious and critical violations, over all pages
    other_rules: tuple[str, ...]  # moderate/minor rules still reported, "id (impact)"
    pages_with_blocking: tuple[str, ...]  # "run/page" of any page with a blocking violation


def summarise(report: dict) -> AuditSummary:
    """The statement's figures from an audit report (the JSON the test writes)."""
    pages = report["pages"]
    bad = tuple(f'{p["run"]}/{p["page"]}' for p in pages
                if any(v["impact"] in ("serious", "critical") for v in p["violations"])
                or p.get("html_lang") != p.get("lang"))
    return AuditSummary(
        date=dt.date.fromisoformat(report["date"]), tool=str(report["tool"]),
        standard=str(report["standard"]), runs=len(report["runs"]),
        pages_audited=len(pages),
        blocking=sum(1 for p in pages for v in p["violations"]
                     if v["impact"] in ("serious", "critical")),
        other_rules=tuple(report.get("other_violations", ())), pages_with_blocking=bad)


def load(path: Path = AUDIT_JSON) -> AuditSummary:
    """The latest audit, or a RelaisError saying the file is missing or unreadable."""
    try:
        return summarise(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError as err:
        raise RelaisError("No accessibility audit has been recorded yet ({file}).",
                          file=path.name) from err
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise RelaisError("The accessibility audit file {file} cannot be read.",
                          file=path.name) from err
