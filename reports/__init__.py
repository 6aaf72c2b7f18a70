"""Exports: CSV, XLSX, PDF, ICS (plain Python, no Streamlit)."""
