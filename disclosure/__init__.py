"""Disclosure control: the one layer every figure about people passes before anyone sees it.

- :mod:`disclosure.cells` - the rule: every released population is a union
  of cells of at least k responses, so no combination of figures gives a
  person or a group under k;
- :mod:`disclosure.release` - which population each figure shows, decided
  for the whole organisation at once, consistently over time;
- :mod:`disclosure.campaign` - a campaign's universes, gaps and joint progress;
- :mod:`disclosure.figures` - tree and slice frames computed from released
  populations only;
- :mod:`disclosure.topdown` - the champions map's top-down index per site,
  over its own released populations;
- :mod:`disclosure.store` - releases recorded in the database, and the
  epochs a rescoring starts.

See docs/disclosure.md.  No Streamlit here.
"""
