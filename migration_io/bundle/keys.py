"""The platform's key pair for exit bundles (Ed25519, ``cryptography``).

The private key is a PEM (PKCS#8, unencrypted) file named by ``JC_BUNDLE_SIGNING_KEY``;
a data centre keeps it outside the code, readable by the web and worker processes only
(docs/operations.md). With the setting empty, a development key is generated on first
use at ``JC_BUNDLE_DEV_KEY`` (under ``.data/``, which git ignores), mode 0600. A named
file that is missing is an error: a production key is never generated silently.

The public key is published on the screen 「移行バンドルの署名鍵」 and inside every bundle;
its id is the first 16 hex digits of the SHA-256 of its raw 32 bytes.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

# ``cryptography`` is imported where it is used, so that a process that never signs
# (a worker of another module, a management command) starts without it.

ALGORITHM = "Ed25519"


class SigningKeyError(RuntimeError):
    """The signing key cannot be had; the message is Japanese and safe to show."""


def key_path() -> tuple[Path, bool]:
    """The key file, and whether it is the development key (made when missing)."""
    configured = str(getattr(settings, "JC_BUNDLE_SIGNING_KEY", "") or "")
    if configured:
        return Path(configured), False
    return Path(settings.JC_BUNDLE_DEV_KEY), True


def _generate(path: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path.parent.mkdir(parents=True, exist_ok=True)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # O_EXCL: two processes making the key at once keep the first one's
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)


def signing_key() -> Ed25519PrivateKey:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path, dev = key_path()
    if not path.is_file():
        if not dev:
            raise SigningKeyError(
                "移行バンドルの署名鍵が見つかりません"
                "（JC_BUNDLE_SIGNING_KEY の設定を確認してください）。"
            )
        _generate(path)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError("移行バンドルの署名鍵が Ed25519 の鍵ではありません。")
    return key


def public_pem(key: Ed25519PublicKey) -> str:
    from cryptography.hazmat.primitives import serialization

    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def key_id(key: Ed25519PublicKey) -> str:
    from cryptography.hazmat.primitives import serialization

    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_key() -> Ed25519PublicKey:
    return signing_key().public_key()


def load_public_pem(data: bytes) -> Ed25519PublicKey:
    """A public key from PEM text; ValueError when it is not an Ed25519 public key."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    key = serialization.load_pem_public_key(data)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("Ed25519 の公開鍵ではありません。")
    return key
