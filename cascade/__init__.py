"""The cascade loop (issue 18): trainers ask to learn, published plans invite them, relays
record attendance. Plain Python, no Streamlit."""
