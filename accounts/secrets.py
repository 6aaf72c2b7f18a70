"""Deployment secrets: a random cookie_secret at first start, and whether OIDC is set up."""

from __future__ import annotations

import os
import re
import secrets
import tomllib
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECRETS_PATH = ROOT / ".streamlit" / "secrets.toml"
MIN_SECRET_BYTES = 32


def ensure_cookie_secret(path: Path = SECRETS_PATH) -> bool:
    """Write ``[auth] cookie_secret`` (32 random bytes, hex) if absent or too short.

    Returns True when the file was changed. Other settings in the file are kept.
    """
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    current = (tomllib.loads(text).get("auth") or {}).get("cookie_secret", "") if text else ""
    if isinstance(current, str) and len(current) >= 2 * MIN_SECRET_BYTES:
        return False
    line = f'cookie_secret = "{secrets.token_hex(MIN_SECRET_BYTES)}"'
    if re.search(r"(?m)^\s*cookie_secret\s*=.*$", text):
        text = re.sub(r"(?m)^\s*cookie_secret\s*=.*$", line, text, count=1)
    elif re.search(r"(?m)^\[auth\]\s*$", text):
        text = re.sub(r"(?m)^\[auth\]\s*$", "[auth]\n" + line, text, count=1)
    else:
        text = (text.rstrip("\n") + "\n\n" if text.strip() else "") + f"[auth]\n{line}\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    os.chmod(path, 0o600)
    return True


def oidc_configured(secrets_map: Mapping) -> bool:
    """True when [auth] names an OpenID Connect provider that st.login can use."""
    auth = secrets_map.get("auth") if secrets_map else None
    if not auth:
        return False
    if auth.get("client_id") and auth.get("server_metadata_url"):
        return True
    return any(isinstance(v, Mapping) and v.get("client_id") for v in auth.values())
