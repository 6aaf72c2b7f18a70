"""A Streamlit client without a browser: the WebSocket and the protobuf messages of the
installed Streamlit package (``streamlit.proto``), as the browser's frontend speaks them.

One :class:`Client` is one browser tab: it loads the page over HTTP first (so the proxy
sets its sticky cookie, as for a browser), opens ``/_stcore/stream``, asks for script
runs (``BackMsg.rerun_script`` with the query string, the page and the widget states)
and reads ``ForwardMsg``s until the run has finished. It keeps the elements the last run
drew, so a scenario can find a widget by its key and answer it.
"""

from __future__ import annotations

import asyncio
import time
import urllib.request
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

WIDGETS = ("radio", "multiselect", "number_input", "selectbox", "button", "checkbox",
           "text_input", "text_area")


class ProtocolError(RuntimeError):
    """The server closed, refused or did not finish a run in time."""


@dataclass
class Widget:
    kind: str
    id: str
    label: str
    form_id: str
    proto: object

    @property
    def key(self) -> str:
        """The user key (Streamlit ends a keyed widget's id with '-<key>')."""
        parts = self.id.split("-", 2)  # "$$ID-<hash>-<key>"
        return parts[2] if self.id.startswith("$$ID") and len(parts) == 3 else ""


@dataclass
class Run:
    """What one script run drew: texts (titles, alerts, markdown) and widgets."""

    texts: list[str] = field(default_factory=list)
    alerts: list[tuple[str, str]] = field(default_factory=list)  # (format, body)
    widgets: list[Widget] = field(default_factory=list)
    exception: str | None = None
    status: str = ""
    page_not_found: str | None = None

    def widget(self, key: str) -> Widget | None:
        return next((w for w in self.widgets if w.key == key), None)

    def text(self) -> str:
        return "\n".join(self.texts + [b for _, b in self.alerts])


class Client:
    """One virtual browser tab on base_url (the proxy or a server)."""

    def __init__(self, base_url: str, timeout: float = 60.0):
        self.base = base_url.rstrip("/")
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self.ws = None
        self.pages: dict[str, str] = {}  # url path -> page script hash
        self.page_hash = ""
        self.page = ""  # like the browser's address bar: kept from run to run
        self.query = ""
        self.last = Run()
        self.server_cookie: str | None = None
        self._states: dict[str, WidgetState] = {}

    # --- connection -------------------------------------------------------------------
    def _http_get(self) -> None:
        req = urllib.request.Request(self.base + "/", headers=self._cookie_header())
        with urllib.request.urlopen(req, timeout=self.timeout) as r:
            for header in r.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            r.read()
        self.server_cookie = self.cookies.get("RELAIS_SRV")

    def _cookie_header(self) -> dict[str, str]:
        if not self.cookies:
            return {}
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}

    async def connect(self) -> None:
        """Load the page (cookies), then open the WebSocket as the frontend does."""
        for attempt in range(5):  # the frontend retries too while the proxy has no server
            try:
                await asyncio.to_thread(self._http_get)
                break
            except OSError:
                if attempt == 4:
                    raise
                await asyncio.sleep(1.0 + attempt)
        parts = urlsplit(self.base)
        ws_url = f"ws://{parts.netloc}/_stcore/stream"
        self.ws = await websockets.connect(
            ws_url, subprotocols=["streamlit"], max_size=64 * 1024 * 1024,
            origin=f"{parts.scheme}://{parts.netloc}", open_timeout=self.timeout,
            additional_headers=self._cookie_header(), ping_interval=None)
        self._states.clear()

    async def close(self) -> None:
        if self.ws is not None:
            try:
                await self.ws.close()
            except Exception:  # noqa: BLE001 - already gone
                pass
            self.ws = None

    # --- runs -------------------------------------------------------------------------
    async def run(self, page: str | None = None, query: str | None = None,
                  states: list[WidgetState] = ()) -> tuple[Run, float]:
        """Ask for a run and wait until it has finished; returns it and its seconds.

        The widget states sent are those the last run drew with their current values
        (kept between runs like the frontend does), overridden by states.
        """
        if page is not None and page != self.page:  # navigating: the page's own widgets
            self.page, self._states = page, {}
        if query is not None:
            self.query = query
        msg = BackMsg()
        cs = msg.rerun_script
        cs.query_string = self.query
        cs.page_name = self.page
        if self.page in self.pages:
            cs.page_script_hash = self.pages[self.page]
        merged = dict(self._states)
        triggers = []
        for st in states:
            if st.WhichOneof("value") == "trigger_value":
                triggers.append(st)
            else:
                merged[st.id] = st
        cs.widget_states.widgets.extend(list(merged.values()) + triggers)
        start = time.perf_counter()
        if self.ws is None:
            raise ProtocolError("not connected")
        try:
            await self.ws.send(msg.SerializeToString())
        except websockets.ConnectionClosed as err:
            raise ProtocolError(f"connection closed: {err}") from err
        result = await asyncio.wait_for(self._read_run(), self.timeout)
        elapsed = time.perf_counter() - start
        self._states = {k: v for k, v in merged.items()
                        if any(w.id == k for w in result.widgets)}
        return result, elapsed

    async def _read_run(self) -> Run:
        run = Run()
        started = False
        while True:
            try:
                raw = await self.ws.recv()
            except websockets.ConnectionClosed as err:
                raise ProtocolError(f"connection closed: {err}") from err
            fwd = ForwardMsg()
            fwd.ParseFromString(raw)
            kind = fwd.WhichOneof("type")
            if kind == "new_session":
                started = True
                run = Run()
                self.page_hash = fwd.new_session.page_script_hash
            elif kind == "navigation":
                for p in fwd.navigation.app_pages:
                    self.pages[p.url_pathname] = p.page_script_hash
                self.page_hash = fwd.navigation.page_script_hash or self.page_hash
            elif kind == "delta":
                _collect(run, fwd.delta)
            elif kind == "page_not_found":
                # the browser shows a notice and draws the main page: the run goes on
                run.page_not_found = fwd.page_not_found.page_name or self.page
            elif kind == "script_finished" and started:
                status = ForwardMsg.ScriptFinishedStatus.Name(fwd.script_finished)
                if status == "FINISHED_EARLY_FOR_RERUN":
                    continue  # a new run follows (st.rerun or a newer request)
                run.status = status
                self.last = run
                return run


def _collect(run: Run, delta) -> None:  # noqa: ANN001 - Delta proto
    if delta.WhichOneof("type") != "new_element":
        return
    el = delta.new_element
    kind = el.WhichOneof("type")
    if kind in ("markdown", "heading"):
        run.texts.append(getattr(el, kind).body)
    elif kind == "alert":
        run.alerts.append((str(el.alert.format), el.alert.body))
    elif kind == "exception":
        run.exception = el.exception.message
    elif kind == "progress":
        run.texts.append(el.progress.text)
    elif kind in WIDGETS:
        p = getattr(el, kind)
        run.widgets.append(Widget(kind, p.id, getattr(p, "label", ""),
                                  getattr(p, "form_id", ""), p))


def trigger(widget: Widget) -> WidgetState:
    s = WidgetState(id=widget.id)
    s.trigger_value = True
    return s


def string_value(widget: Widget, value: str) -> WidgetState:
    s = WidgetState(id=widget.id)
    s.string_value = value
    return s


def strings_value(widget: Widget, values: list[str]) -> WidgetState:
    s = WidgetState(id=widget.id)
    s.string_array_value.data.extend(values)
    return s


def number_value(widget: Widget, value: float) -> WidgetState:
    s = WidgetState(id=widget.id)
    s.double_value = value
    return s
