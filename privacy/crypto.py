"""Authenticated encryption of personal data, with key rotation and blind indexes.

A sealed value is the text ``v1:<key_id>:<base64(nonce || ciphertext+tag)>``.
AES-256-GCM binds the model, the field and the row id in as associated data, so
a ciphertext copied to another row or field does not decrypt. Several keys can
be configured; the first (newest) one writes, all of them read.
"""

import base64
import hashlib
import hmac
import json
import logging
import os
import secrets
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

log = logging.getLogger(__name__)

FORMAT_VERSION = "v1"
NONCE_BYTES = 12


class DecryptionError(Exception):
    """A sealed value could not be opened with any configured key."""


@dataclass(frozen=True)
class Keyring:
    keys: dict[str, bytes]  # key id -> 32-byte key
    newest_id: str
    blind_index_key: bytes


def _decode_key(key_id: str, text: str) -> bytes:
    key = base64.b64decode(text)
    if len(key) != 32:
        raise ImproperlyConfigured(f"Field encryption key {key_id!r} must be 32 bytes (base64).")
    return key


def _local_key_file() -> dict:
    """The embedded default: generate a key file under var/ on first use, and say so."""
    path = settings.LOCAL_KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "field_keys": [f"k1:{base64.b64encode(secrets.token_bytes(32)).decode()}"],
            "blind_index_key": base64.b64encode(secrets.token_bytes(32)).decode(),
        }
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            json.dump(data, fh)
        log.warning(
            "No FIELD_ENCRYPTION_KEYS set: generated a local key file at %s. "
            "Back it up; without it the personal data in this database cannot be read.",
            path,
        )
    return json.loads(path.read_text())


@lru_cache(maxsize=1)
def keyring() -> Keyring:
    entries = list(settings.FIELD_ENCRYPTION_KEYS)
    blind = settings.BLIND_INDEX_KEY
    if not entries:
        local = _local_key_file()
        entries, blind = local["field_keys"], blind or local["blind_index_key"]
    if not blind:
        raise ImproperlyConfigured("BLIND_INDEX_KEY must be set when FIELD_ENCRYPTION_KEYS is.")
    keys = {}
    for entry in entries:
        key_id, _, text = entry.strip().partition(":")
        keys[key_id] = _decode_key(key_id, text)
    newest_id = entries[0].partition(":")[0].strip()
    return Keyring(keys=keys, newest_id=newest_id, blind_index_key=base64.b64decode(blind))


def reset_keyring() -> None:
    """Forget the cached keys (after the settings change, e.g. in tests or rotation)."""
    keyring.cache_clear()


def seal(plaintext: str, associated_data: str) -> str:
    ring = keyring()
    nonce = secrets.token_bytes(NONCE_BYTES)
    ciphertext = AESGCM(ring.keys[ring.newest_id]).encrypt(
        nonce, plaintext.encode(), associated_data.encode()
    )
    body = base64.b64encode(nonce + ciphertext).decode()
    return f"{FORMAT_VERSION}:{ring.newest_id}:{body}"


def key_id_of(token: str) -> str:
    return token.split(":", 2)[1]


def open_sealed(token: str, associated_data: str) -> str:
    try:
        version, key_id, body = token.split(":", 2)
        raw = base64.b64decode(body)
    except ValueError as exc:
        raise DecryptionError("malformed sealed value") from exc
    key = keyring().keys.get(key_id)
    if version != FORMAT_VERSION or key is None:
        raise DecryptionError(f"unknown key id {key_id!r}")
    try:
        plain = AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], associated_data.encode())
    except InvalidTag as exc:
        raise DecryptionError("authentication failed") from exc
    return plain.decode()


def normalise_for_index(value: str) -> str:
    """Exact-match lookups ignore case, spacing and Unicode composition."""
    return " ".join(unicodedata.normalize("NFKC", value).casefold().split())


def blind_index(value: str, purpose: str) -> str:
    """A keyed HMAC of the normalised value: equal inputs match, nothing is revealed."""
    message = f"{purpose}\x00{normalise_for_index(value)}".encode()
    return hmac.new(keyring().blind_index_key, message, hashlib.sha256).hexdigest()
