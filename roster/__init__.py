"""Roster import: read a CSV/XLSX file, validate every line, apply all or nothing (no Streamlit)."""
