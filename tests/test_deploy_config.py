"""Production settings: what Streamlit itself reads from .streamlit/config.toml, what `make run`
starts, and what a running server answers to another origin and to a forged upload."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.browser.conftest import free_port, wait_ready

ROOT = Path(__file__).resolve().parents[1]

EXPECTED = {
    "server.enableXsrfProtection": True,
    "server.enableCORS": True,          # Streamlit's name for CORS *protection*
    "server.corsAllowedOrigins": [],
    "server.fileWatcherType": "none",
    "server.runOnSave": False,
    "client.showErrorDetails": "none",
    "client.disableDataExport": True,   # no "Download as CSV" in table toolbars
    "client.toolbarMode": "minimal",
    "browser.gatherUsageStats": False,
    "runner.postScriptGC": False,       # no full GC per rerun (docs/performance.md)
}


def _clean_env(tmp_path: Path) -> dict[str, str]:
    """No ~/.streamlit of the machine running the tests, no STREAMLIT_* overrides."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("STREAMLIT_")}
    env["HOME"] = str(tmp_path)
    return env


def test_streamlit_reads_the_production_settings(tmp_path):
    code = ("import json; from streamlit import config; config.get_config_options("
            "force_reparse=True); print(json.dumps({k: config.get_option(k) for k in "
            f"{sorted([*EXPECTED, 'server.maxUploadSize'])!r}}}))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=_clean_env(tmp_path),
                         capture_output=True, text=True, check=True).stdout
    options = json.loads(out.strip().splitlines()[-1])
    assert {k: options[k] for k in EXPECTED} == EXPECTED
    assert 1 <= options["server.maxUploadSize"] <= 10


def _make_run_command(**variables: str) -> list[str]:
    """The `streamlit run` line that `make run` would execute (make -n prints, runs nothing)."""
    args = [f"{k}={v}" for k, v in variables.items()]
    out = subprocess.run(["make", "-n", "run", *args], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout
    line = next(ln for ln in out.splitlines() if "streamlit run" in ln)
    return shlex.split(line)


def _flag(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


def test_make_run_listens_on_loopback_unless_told():
    assert _flag(_make_run_command(), "--server.address") == "127.0.0.1"
    assert _flag(_make_run_command(ADDRESS="10.0.0.7"), "--server.address") == "10.0.0.7"


@pytest.fixture
def server(tmp_path):
    """The server `make run` starts, on a free loopback port and an empty SQLite file."""
    port = free_port()
    command = _make_run_command(PORT=str(port))
    command[0] = sys.executable if re.search(r"python", command[0]) else command[0]
    env = {**_clean_env(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'relais.db'}",
           "RELAIS_DATA_DIR": str(tmp_path)}
    with (tmp_path / "server.log").open("w") as log:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            wait_ready(url, proc)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


def _request(url: str, method: str = "GET", headers: dict | None = None,
             data: bytes | None = None) -> tuple[int, dict]:
    req = urllib.request.Request(url, method=method, headers=headers or {}, data=data)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, dict(r.headers)
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers)


def test_running_server_refuses_other_origins_and_forged_uploads(server):
    status, headers = _request(server + "/_stcore/health",
                               headers={"Origin": "https://evil.example"})
    assert status == 200
    allowed = {k.lower(): v for k, v in headers.items()}.get("access-control-allow-origin")
    assert allowed not in ("*", "https://evil.example")
    # An upload without the XSRF cookie's token (what a forged cross-site form sends).
    status, _ = _request(server + "/_stcore/upload_file/session/file", method="PUT",
                         headers={"Origin": "https://evil.example",
                                  "Content-Type": "multipart/form-data; boundary=x"},
                         data=b"--x\r\nContent-Disposition: form-data; name=\"file\"; "
                              b"filename=\"a.csv\"\r\n\r\nA;B\r\n--x--\r\n")
    assert status in (400, 403)
