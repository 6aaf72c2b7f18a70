"""Personal data: export one person's data, erase a person, retention, consent (no Streamlit)."""
