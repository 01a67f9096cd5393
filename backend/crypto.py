"""Field encryption at rest and keyed hashes for lookups (PIPL: DESIGN.md "Privacy").

Both keys derive from FIELD_ENCRYPTION_KEY with distinct labels, so one secret
protects both and neither key can be derived from the other's output.
"""
import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app


@lru_cache(maxsize=8)
def _keys(secret: str) -> tuple[Fernet, bytes]:
    enc = hashlib.sha256(b"field-encryption:" + secret.encode()).digest()
    mac = hashlib.sha256(b"lookup-hash:" + secret.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(enc)), mac


def _secret() -> str:
    return current_app.config["FIELD_ENCRYPTION_KEY"]


def encrypt(value: str | None) -> str | None:
    if value is None:
        return None
    return _keys(_secret())[0].encrypt(value.encode()).decode()


def decrypt(token: str | None) -> str | None:
    if token is None:
        return None
    try:
        return _keys(_secret())[0].decrypt(token.encode()).decode()
    except InvalidToken:  # a key rotated without re-encryption; never crash a read over it
        return None


def lookup_hash(value: str) -> str:
    """Deterministic keyed hash (HMAC-SHA256) for exact-match lookups of encrypted values."""
    return hmac.new(_keys(_secret())[1], value.strip().upper().encode(), hashlib.sha256).hexdigest()


def mask_phone(phone: str | None) -> str | None:
    if not phone:
        return None
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 7 else "****"
