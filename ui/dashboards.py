"""Streamlit glue shared by the dashboard pages: pickers, hidden labels, downloads."""

from __future__ import annotations

from collections.abc import Callable

import altair as alt
import streamlit as st

from dashboards.display import area_label, hidden_label
from reports.csv import tables_to_csv
from reports.pdf import Report, to_pdf
from reports.tables import Table
from reports.xlsx import to_xlsx
from ui import data
from ui.context import Viewer, t, translator
from access import can_export
from ui.exports import audited
from ui.text import plain

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@st.cache_data(ttl=data.TTL, show_spinner=False, max_entries=256)
def _spec(name: str, key: tuple, _build: Callable[[], object]) -> dict:
    """A chart's Vega-Lite spec, built once per name and key.

    Altair refuses more than 5,000 rows by default; a national organisation's site chart
    has 1,000 sites x 7 areas, already aggregated and guarded, so the limit is lifted here.
    Not validated against the Vega-Lite schema here: the first validation in a process
    builds the whole schema's validator (about half a second of a cold overview), and the
    specs depend only on the chart functions, which tests/dashboards/test_chart_specs.py
    validates on the demo's figures.
    """
    with alt.data_transformers.disable_max_rows():
        return _build().to_dict(validate=False)


def chart(name: str, depends: tuple, build: Callable[[], object], **kwargs: object) -> object:
    """Draw an Altair chart from its cached spec; depends must hold everything the chart shows.

    Warm reruns then skip building and validating the chart, the largest part of a rerun.
    """
    return st.vega_lite_chart(_spec(name, depends, build), width="stretch", **kwargs)


def campaign_picker(key: str) -> int | None:
    """Selectbox of campaigns (newest first); None when there is none."""
    table = data.campaign_table()
    if table.empty:
        st.info(t("No campaign yet."))
        return None
    names = dict(zip(table["campaign_id"].astype(int).tolist(), table["name"]))
    return st.selectbox(t("Campaign"), list(names), format_func=names.get, key=key)


def downloads(viewer: Viewer, export_id: str, stem: str, tables: Callable[[], list[Table]],
              report: Callable[[], Report], key: str) -> None:
    """XLSX, CSV and PDF download buttons, offered only to roles allowed this export.

    Files are built when clicked (deferred), from the same guarded tables the page shows.
    """
    if not can_export(viewer.role, export_id):
        return
    st.subheader(t("Exports"))
    c1, c2, c3 = st.columns(3)
    c1.download_button(t("Download XLSX"), data=audited(export_id, lambda: to_xlsx(tables()),
                                                        {"format": "xlsx", "file": stem}), file_name=f"{stem}.xlsx",
                       mime=XLSX_MIME, key=f"{key}_xlsx", on_click="ignore", icon=":material/table:")
    c2.download_button(t("Download CSV"), data=audited(export_id, lambda: tables_to_csv(tables()),
                                                       {"format": "csv", "file": stem}), file_name=f"{stem}.csv",
                       mime="text/csv", key=f"{key}_csv", on_click="ignore", icon=":material/csv:")
    c3.download_button(t("Download PDF report"), data=audited(export_id, lambda: to_pdf(report()),
                                                              {"format": "pdf", "file": stem}), file_name=f"{stem}.pdf",
                       mime="application/pdf", key=f"{key}_pdf", on_click="ignore",
                       icon=":material/picture_as_pdf:")


def gap_notes(gaps, k: int) -> None:  # noqa: ANN001 - gap_display frame
    """Say which elements are hidden (fewer than k) and which have no shared statement."""
    hidden = gaps.loc[gaps["hidden"] & gaps["shared"], "element"].tolist()
    unshared = gaps.loc[~gaps["shared"], "element"].tolist()
    if hidden:
        st.caption(t("Not shown ({hidden}): {elements}.", hidden=hidden_label(translator(), k),
                     elements=", ".join(hidden)))
    if unshared:
        st.caption(t("No statement asked of both managers and trainers: {elements}.",
                     elements=", ".join(unshared)))


def focus_list(ov, focus) -> None:  # noqa: ANN001 - Overview, list[Focus]
    """The proposed focus areas, each with its reason, as a short list."""
    tr = translator()
    if not focus:
        st.info(t("Not enough visible figures to propose focus areas."))
        return
    for item in focus:
        st.markdown(f"- **{plain(area_label(ov, tr, item.area))}** — "
                    f"{plain(t(item.message, **item.params))}")
