"""cookie_secret generated once, at least 32 random bytes, other settings kept; OIDC detection."""

import tomllib

import pytest

from accounts.secrets import ensure_cookie_secret, oidc_configured


def test_secret_written_once_and_kept(tmp_path):
    path = tmp_path / ".streamlit" / "secrets.toml"
    assert ensure_cookie_secret(path)
    first = tomllib.loads(path.read_text())["auth"]["cookie_secret"]
    assert len(bytes.fromhex(first)) >= 32
    assert not ensure_cookie_secret(path)
    assert tomllib.loads(path.read_text())["auth"]["cookie_secret"] == first


@pytest.mark.parametrize("text", [
    '[auth]\nredirect_uri = "http://x/oauth2callback"\n',
    '[auth]\ncookie_secret = "short"\nclient_id = "a"\n',
    'other = 1\n',
])
def test_secret_added_without_losing_settings(tmp_path, text):
    path = tmp_path / "secrets.toml"
    path.write_text(text)
    assert ensure_cookie_secret(path)
    data = tomllib.loads(path.read_text())
    assert len(data["auth"]["cookie_secret"]) == 64
    before = tomllib.loads(text)
    for k, v in before.get("auth", {}).items():
        if k != "cookie_secret":
            assert data["auth"][k] == v
    assert data.get("other") == before.get("other")


@pytest.mark.parametrize("secrets,expected", [
    ({}, False),
    ({"auth": {"cookie_secret": "x"}}, False),
    ({"auth": {"client_id": "a", "server_metadata_url": "https://idp/.well-known"}}, True),
    ({"auth": {"microsoft": {"client_id": "a"}}}, True),
])
def test_oidc_detection(secrets, expected):
    assert oidc_configured(secrets) is expected
