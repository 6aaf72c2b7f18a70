"""Staff accounts: password hashing, sign-in with lock-out, resets and roles (no Streamlit)."""
