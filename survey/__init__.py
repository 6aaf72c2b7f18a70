"""Questionnaires: schema and loader, links, answering, personal result (no Streamlit)."""
