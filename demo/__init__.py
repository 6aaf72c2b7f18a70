"""Seeded generator of the fictitious demo organisation (no hand-written dump)."""
