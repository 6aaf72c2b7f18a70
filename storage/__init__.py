"""Storage: SQLModel tables, engines, migrations and queries (no Streamlit)."""
