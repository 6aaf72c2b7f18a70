"""Altair chart builders shared by the pages and the PDF report (no Streamlit here).

Every builder takes a frame whose labels are already translated and whose
hidden figures are NaN with a 'label' saying why; titles come as arguments.
"""
