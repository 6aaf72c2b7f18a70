"""The organisation's badge-signing key: a file outside the database, made on first use.

The key is an Ed25519 private key in PEM, at ``RELAIS_BADGE_KEY`` or
``<data dir>/badge_key.pem`` (mode 600), created by ``manage.py
badge-key`` or by the first badge issued. The issuer is the key's
``did:key``, so anyone holding a badge can check its signature offline,
without asking Relais. A database copy or backup therefore cannot be used to
forge badges; losing the file means new badges are signed by a new key
(old ones stay valid under their own did:key).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from openbadgeslib.ob3 import OB3Signer, did_key_from_pem

from i18n import RelaisError
from storage.config import data_dir

ALGORITHM = "EdDSA"


def key_path() -> Path:
    """Where the signing key lives (RELAIS_BADGE_KEY, default <data dir>/badge_key.pem)."""
    configured = os.environ.get("RELAIS_BADGE_KEY", "").strip()
    return Path(configured) if configured else data_dir() / "badge_key.pem"


def ensure_key(path: Path | None = None) -> bool:
    """Create the key file if absent; True when it was created."""
    path = path or key_path()
    if path.exists():
        return False
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    # created with 600 from the start: the key is never readable by others, even briefly
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    return True


@dataclass(frozen=True)
class OrgKey:
    """The private key (PEM), its public half and the issuer's did:key."""

    private_pem: bytes
    public_pem: bytes
    did: str

    def signer(self) -> OB3Signer:
        return OB3Signer(self.private_pem, algorithm=ALGORITHM)


def load_key(path: Path | None = None, create: bool = True) -> OrgKey:
    """The organisation's key, created on first use unless ``create`` is False."""
    path = path or key_path()
    if create:
        ensure_key(path)
    if not path.exists():
        raise RelaisError(
            "The badge signing key {path} does not exist; run manage.py badge-key.", path=str(path)
        )
    try:
        private = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except ValueError as err:
        raise RelaisError(
            "The badge signing key {path} is not a readable private key.", path=str(path)
        ) from err
    if not isinstance(private, Ed25519PrivateKey):
        raise RelaisError("The badge signing key {path} is not an Ed25519 key.", path=str(path))
    private_pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return OrgKey(private_pem, public_pem, did_key_from_pem(public_pem))
