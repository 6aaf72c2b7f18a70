"""The champion rule and the per-quadrant approaches, stored in the Setting table.

``champion_rule``         ChampionRule.to_json()
``quadrant_approaches``   {quadrant: {"fr": text, "en": text}}; a missing text
                          falls back to the default (English msgid, translated).

Every change is committed before the page says it is saved, and recorded in
the audit log (who, which setting; never answers).
"""

from __future__ import annotations

from sqlalchemy.engine import Engine

from champions.quadrants import QUADRANTS
from champions.rules import ChampionRule
from i18n import LANGS, N_, RelaisError, gettext
from storage.db import read_session, write_session
from storage.models import AuditLog, Setting, utcnow

RULE_KEY = "champion_rule"
APPROACHES_KEY = "quadrant_approaches"
MAX_APPROACH_CHARS = 2000

DEFAULT_APPROACHES: dict[str, str] = {
    "aligned": N_("Keep the momentum: give relay trainers time and visibility, share this "
                  "site's practices with others, and set the next objectives together."),
    "isolated_pioneers": N_("Support and recognise the pioneers: give their practice a place in "
                            "the site's strategy (time, equipment, a mandate), and make it "
                            "visible to management."),
    "strategy_without_ground": N_("Find and train relays: identify willing trainers, train them "
                                  "first, and give them hours to support colleagues so that the "
                                  "strategy reaches practice."),
    "to_start": N_("Start small: a first awareness session, one or two volunteers to train as "
                   "relays, and a simple objective agreed with the site manager."),
}


def _read(engine: Engine, key: str) -> dict | None:
    with read_session(engine) as s:
        row = s.get(Setting, key)
        return dict(row.value) if row is not None else None


def _write(engine: Engine, key: str, value: dict, person_id: int | None) -> None:
    with write_session(engine) as s:
        row = s.get(Setting, key)
        if row is None:
            row = Setting(key=key, value=value, updated_by=person_id)
        else:
            row.value, row.updated_at, row.updated_by = value, utcnow(), person_id
        s.add(row)
        s.add(AuditLog(actor_id=person_id, action="setting.update", target=key))


def load_rule(engine: Engine) -> ChampionRule:
    """The stored champion rule, or the default one (a broken stored rule falls back too)."""
    try:
        return ChampionRule.from_json(_read(engine, RULE_KEY))
    except (RelaisError, TypeError, ValueError):
        return ChampionRule()


def save_rule(engine: Engine, rule: ChampionRule, person_id: int | None) -> None:
    _write(engine, RULE_KEY, rule.to_json(), person_id)


def load_approaches(engine: Engine) -> dict[str, dict[str, str]]:
    """Stored texts per quadrant and language (only those edited)."""
    stored = _read(engine, APPROACHES_KEY) or {}
    return {q: {lg: str(v) for lg, v in (stored.get(q) or {}).items() if lg in LANGS and v}
            for q in QUADRANTS}


def approach_for(engine: Engine, quadrant: str, lang: str) -> str:
    """The recommended approach for a quadrant in lang: the lead's text, else the default."""
    if quadrant not in QUADRANTS:
        raise KeyError(quadrant)
    text = load_approaches(engine)[quadrant].get(lang)
    return text or gettext(DEFAULT_APPROACHES[quadrant], lang)


def save_approach(engine: Engine, quadrant: str, lang: str, text: str,
                  person_id: int | None) -> None:
    """Store the lead's text for one quadrant and language (empty text: back to the default)."""
    if quadrant not in QUADRANTS or lang not in LANGS:
        raise KeyError((quadrant, lang))
    text = text.strip()
    if len(text) > MAX_APPROACH_CHARS:
        raise RelaisError("The approach text is too long ({n} characters; at most {max}).",
                          n=len(text), max=MAX_APPROACH_CHARS)
    stored = _read(engine, APPROACHES_KEY) or {}
    texts = dict(stored.get(quadrant) or {})
    if text:
        texts[lang] = text
    else:
        texts.pop(lang, None)
    stored[quadrant] = texts
    _write(engine, APPROACHES_KEY, stored, person_id)
