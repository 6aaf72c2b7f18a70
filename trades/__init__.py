"""Trades (filières): the vocabulary of data/trades.yaml and each person's trade from the roster.

A trade is optional per person.  Figures filtered by trade are *slices* of the
disclosure layer (``node|trade:<code>``), released by the same rule as the
modality slices, so a trade slice never differs from a site, a region or
another slice by fewer than k people.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml
from sqlalchemy import select
from sqlalchemy.engine import Engine

from storage.db import read_session
from storage.models import PersonTrade

VOCABULARY = Path(__file__).resolve().parent.parent / "data" / "trades.yaml"


def _yaml(text: str) -> object:
    """yaml.safe_load through libyaml when PyYAML has it (several times faster, same safe subset)."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - safe loaders


@dataclass(frozen=True)
class Trade:
    code: str
    fr: str
    en: str

    def name(self, lang: str) -> str:
        return self.fr if lang == "fr" else self.en


@functools.cache
def trades() -> tuple[Trade, ...]:
    """Every trade of the vocabulary, in file order."""
    rows = _yaml(VOCABULARY.read_text(encoding="utf-8"))
    return tuple(Trade(str(r["code"]), str(r["fr"]), str(r["en"])) for r in rows)


@functools.cache
def _synonyms() -> dict[str, str]:
    from roster.parse import fold

    out: dict[str, str] = {}
    for r in _yaml(VOCABULARY.read_text(encoding="utf-8")):
        for word in (r["code"], r["fr"], r["en"], *r.get("synonyms", ())):
            out[fold(str(word))] = str(r["code"])
    return out


def codes() -> tuple[str, ...]:
    return tuple(t.code for t in trades())


def trade_of(text: str) -> str | None:
    """The trade code a roster cell names ('BTP' -> 'building'), None when unknown."""
    from roster.parse import fold

    return _synonyms().get(fold(text))


def names(lang: str) -> dict[str, str]:
    """code -> display name in a language."""
    return {t.code: t.name(lang) for t in trades()}


def person_trades(engine: Engine) -> dict[int, str]:
    """person_id -> trade code, for everyone the roster gave a trade."""
    with read_session(engine) as s:
        return {int(p): str(t) for p, t in s.execute(select(PersonTrade.person_id, PersonTrade.trade)).all()}
