"""Director and site-manager dashboards: guarded frames, focus proposals, action plans.

Plain Python (no Streamlit): pages, exports and benchmarks share these frames.
"""
