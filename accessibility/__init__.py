"""Accessibility: what the latest axe-core audit found (read by the statement page)."""
