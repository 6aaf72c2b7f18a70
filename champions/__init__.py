"""Champions map: bottom-up practice held against top-down strategy, and relay trainers.

Plain Python (no Streamlit): rules (the relay-trainer rule), quadrants (site
map and coverage), movement (between campaigns), trainer_map (guarded
density), settings (rule and quadrant approaches stored in Setting), data
(the frames a page needs) and export (consenting champions only).
"""
