"""Streamlit glue shared by pages: session, language, navigation, widgets."""
