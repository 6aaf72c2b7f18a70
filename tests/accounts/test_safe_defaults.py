"""Safe defaults of the deployment: Streamlit version, XSRF, upload limit, no error details."""

import tomllib
from importlib.metadata import version
from pathlib import Path

from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]


def test_streamlit_is_recent_enough():
    assert Version(version("streamlit")) >= Version("1.54")


def test_server_config_is_safe():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["maxUploadSize"] <= 10
    assert config["client"]["showErrorDetails"] in ("none", False)


def test_secrets_file_is_never_committed():
    assert ".streamlit/secrets.toml" in (ROOT / ".gitignore").read_text().splitlines()


def test_make_run_generates_the_cookie_secret():
    run = (ROOT / "Makefile").read_text().split("\nrun:")[1].split("\n\n")[0]
    assert "manage.py ensure-secrets" in run
