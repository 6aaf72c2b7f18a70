"""argon2id password hashing at or above the OWASP minimum (19 MiB, 2 iterations, 1 lane)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from i18n import RelaisError

TIME_COST = 2
MEMORY_COST_KIB = 19_456  # 19 MiB
PARALLELISM = 1
MIN_LENGTH = 10

HASHER = PasswordHasher(time_cost=TIME_COST, memory_cost=MEMORY_COST_KIB,
                        parallelism=PARALLELISM)  # argon2id is the library's default type
# Verified against when the email is unknown, so both paths cost one argon2 verify.
_DUMMY_HASH = HASHER.hash("relais-no-such-account")


def hash_password(password: str) -> str:
    """The argon2id hash of password, after checking it is long enough."""
    if len(password) < MIN_LENGTH:
        raise RelaisError("A password needs at least {n} characters.", n=MIN_LENGTH)
    return HASHER.hash(password)


def verify(stored_hash: str | None, password: str) -> bool:
    """True if password matches stored_hash; a missing hash still costs one verify."""
    try:
        return HASHER.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when stored_hash was made with weaker parameters than today's."""
    try:
        return HASHER.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True
