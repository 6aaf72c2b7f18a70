"""Exports (XLSX, CSV, PDF): plain Python, fed with frames that already went through the guard."""
