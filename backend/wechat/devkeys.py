"""Generated WeChat Pay keys for development and tests (never real ones).

`ensure_keys(directory)` creates, once, everything both sides of the fake need:

- the merchant's API key pair (`apiclient_key.pem` for the backend, `apiclient_pub.pem`
  for the fake, which checks the merchant's `Authorization` signatures with it),
- the "WeChat Pay public key" pair of the public-key mode (`pub_key.pem` for the
  backend, `wechatpay_private_key.pem` for the fake, which signs responses and
  notifies with it),
- the APIv3 key, the merchant certificate serial number, the public key id, mchid
  and appid, stored in `wechatpay.json`.

Later calls reuse what is there, so the backend and the fake (even in another
process) agree on the keys. The directory belongs under `instance/` (git-ignored).
"""
from __future__ import annotations

import json
import os
import secrets
import string
import threading
from contextlib import contextmanager
from typing import Iterator

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

try:  # POSIX only; elsewhere the in-process lock has to do
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

MCHID = "1900000109"
APPID = "wxfake0000000000"

MERCHANT_PRIVATE_KEY = "apiclient_key.pem"
MERCHANT_PUBLIC_KEY = "apiclient_pub.pem"
WECHATPAY_PUBLIC_KEY = "pub_key.pem"
WECHATPAY_PRIVATE_KEY = "wechatpay_private_key.pem"
VALUES_FILE = "wechatpay.json"

_thread_lock = threading.Lock()


def ensure_keys(directory: str) -> dict:
    """Create the dev/test keys in `directory` unless present; return config values and paths."""
    os.makedirs(directory, exist_ok=True)
    with _locked(directory):
        values_path = os.path.join(directory, VALUES_FILE)
        if not _complete(directory):
            _generate(directory)
        with open(values_path, encoding="utf-8") as f:
            values = json.load(f)
    return _as_config(directory, values)


def _complete(directory: str) -> bool:
    # The values file is written last, so its presence means a finished generation.
    names = (MERCHANT_PRIVATE_KEY, MERCHANT_PUBLIC_KEY, WECHATPAY_PUBLIC_KEY, WECHATPAY_PRIVATE_KEY, VALUES_FILE)
    return all(os.path.exists(os.path.join(directory, name)) for name in names)


def _generate(directory: str) -> None:
    merchant = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    platform = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    _write(directory, MERCHANT_PRIVATE_KEY, _private_pem(merchant), private=True)
    _write(directory, MERCHANT_PUBLIC_KEY, _public_pem(merchant))
    _write(directory, WECHATPAY_PRIVATE_KEY, _private_pem(platform), private=True)
    _write(directory, WECHATPAY_PUBLIC_KEY, _public_pem(platform))
    values = {
        "mchid": MCHID,
        "appid": APPID,
        # The APIv3 key is 32 ASCII characters; AES-256-GCM uses its bytes as the key.
        "apiv3_key": "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32)),
        # Merchant certificate serial numbers are 40 upper-case hex digits.
        "cert_serial_no": secrets.token_hex(20).upper(),
        # Real ids are PUB_KEY_ID_ followed by 32 digits.
        "public_key_id": "PUB_KEY_ID_0000" + "".join(secrets.choice(string.digits) for _ in range(28)),
    }
    _write(directory, VALUES_FILE, json.dumps(values, indent=2).encode("utf-8"), private=True)


def _as_config(directory: str, values: dict) -> dict:
    path = lambda name: os.path.abspath(os.path.join(directory, name))  # noqa: E731
    return {
        "WECHAT_APPID": values["appid"],
        "WECHATPAY_MCHID": values["mchid"],
        "WECHATPAY_CERT_SERIAL_NO": values["cert_serial_no"],
        "WECHATPAY_PRIVATE_KEY_PATH": path(MERCHANT_PRIVATE_KEY),
        "WECHATPAY_APIV3_KEY": values["apiv3_key"],
        "WECHATPAY_PUBLIC_KEY_PATH": path(WECHATPAY_PUBLIC_KEY),
        "WECHATPAY_PUBLIC_KEY_ID": values["public_key_id"],
        # Only the fake needs these two.
        "FAKE_MERCHANT_PUBLIC_KEY_PATH": path(MERCHANT_PUBLIC_KEY),
        "FAKE_WECHATPAY_PRIVATE_KEY_PATH": path(WECHATPAY_PRIVATE_KEY),
    }


def _private_pem(key: rsa.RSAPrivateKey) -> bytes:
    # PKCS#8 "BEGIN PRIVATE KEY", the format of a real apiclient_key.pem.
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _public_pem(key: rsa.RSAPrivateKey) -> bytes:
    # SubjectPublicKeyInfo "BEGIN PUBLIC KEY", the format of a real pub_key.pem.
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _write(directory: str, name: str, data: bytes, private: bool = False) -> None:
    # Write then rename, so a reader never sees half a key.
    final = os.path.join(directory, name)
    tmp = final + ".tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o644)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, final)


@contextmanager
def _locked(directory: str) -> Iterator[None]:
    """Serialise generation between threads and between processes (fake + backend)."""
    with _thread_lock:
        if fcntl is None:  # pragma: no cover
            yield
            return
        with open(os.path.join(directory, ".lock"), "w") as lock_file:
            fcntl.flock(lock_file, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock_file, fcntl.LOCK_UN)
