"""Authenticated encryption of personal data, with key rotation and blind indexes.

A sealed value is the text ``v1:<key_id>:<base64(nonce || ciphertext+tag)>``.
AES-256-GCM binds the model, the field and the row id in as associated data, so
a ciphertext copied to another row or field does not decrypt. Several keys can
be configured; the first (newest) one writes, all of them read.
"""

import base64
import binascii
import hashlib
import hmac
import json
import logging
import os
import re
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
KEY_BYTES = 32
# A key id is stored in every value and split on ":", so it must not contain one.
_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,32}$")


class DecryptionError(Exception):
    """A sealed value could not be opened with any configured key."""


@dataclass(frozen=True)
class Keyring:
    keys: dict[str, bytes]  # key id -> 32-byte key
    newest_id: str
    blind_index_key: bytes


def _decode_key(what: str, text: str, *, exact: bool = True) -> bytes:
    """A base64 key of 32 bytes (at least, if not exact). Errors never repeat the
    text: it may be key material."""
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ImproperlyConfigured(f"{what} is not valid base64.") from None
    if len(key) < KEY_BYTES or (exact and len(key) != KEY_BYTES):
        size = KEY_BYTES if exact else f"at least {KEY_BYTES}"
        raise ImproperlyConfigured(f"{what} must be {size} bytes (base64-encoded).")
    return key


def _parse_field_keys(entries) -> tuple[dict[str, bytes], str]:
    """``["k2:<b64>", "k1:<b64>"]`` -> ({id: key}, newest id); the first entry is the newest."""
    keys: dict[str, bytes] = {}
    for position, entry in enumerate(e for e in (x.strip() for x in entries) if e):
        key_id, sep, text = entry.partition(":")
        key_id = key_id.strip()
        if not sep or not _KEY_ID.match(key_id):
            raise ImproperlyConfigured(
                f"FIELD_ENCRYPTION_KEYS entry #{position + 1} must look like 'key_id:base64_key' "
                "with a key id of letters, digits, '-' or '_'."
            )
        if key_id in keys:
            raise ImproperlyConfigured(f"Field encryption key id {key_id!r} is configured twice.")
        keys[key_id] = _decode_key(f"Field encryption key {key_id!r}", text)
    if not keys:
        raise ImproperlyConfigured("No field encryption key is configured.")
    return keys, next(iter(keys))


def _local_key_file() -> dict:
    """The embedded default: generate a key file under var/ on first use, and say so."""
    path = settings.LOCAL_KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "field_keys": [f"k1:{base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()}"],
            "blind_index_key": base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode(),
        }
        # Write aside, then link into place: two processes starting at once
        # must agree on one key file, and none may read a half-written one.
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as fh:
                json.dump(data, fh)
                fh.flush()
                os.fsync(fh.fileno())
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass  # another process won the race: use its keys
            else:
                log.warning(
                    "No FIELD_ENCRYPTION_KEYS set: generated a local key file at %s. "
                    "Back it up; without it the personal data in this database cannot be read.",
                    path,
                )
        finally:
            tmp.unlink(missing_ok=True)
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise ImproperlyConfigured(f"Cannot read the local key file {path}: {exc.__class__.__name__}") from None


@lru_cache(maxsize=1)
def keyring() -> Keyring:
    entries = settings.FIELD_ENCRYPTION_KEYS
    if isinstance(entries, str):  # set as one comma-separated string, like the environment
        entries = entries.split(",")
    entries = [e for e in entries if e and e.strip()]
    blind = settings.BLIND_INDEX_KEY
    if not entries:
        local = _local_key_file()
        entries, blind = local["field_keys"], blind or local["blind_index_key"]
    if not blind:
        raise ImproperlyConfigured("BLIND_INDEX_KEY must be set when FIELD_ENCRYPTION_KEYS is.")
    keys, newest_id = _parse_field_keys(entries)
    return Keyring(
        keys=keys, newest_id=newest_id, blind_index_key=_decode_key("BLIND_INDEX_KEY", blind, exact=False),
    )


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
    """The key id a sealed value names ("" if it is not a sealed value at all)."""
    parts = str(token).split(":", 2)
    return parts[1] if len(parts) == 3 and parts[0] == FORMAT_VERSION else ""


def open_sealed(token: str, associated_data: str) -> str:
    try:
        version, key_id, body = str(token).split(":", 2)
        raw = base64.b64decode(body, validate=True)
    except (ValueError, binascii.Error):
        raise DecryptionError("malformed sealed value") from None
    # Messages name nothing from the value unless it is a well-formed key id:
    # a value that is not sealed at all may be personal data in plain text.
    if version != FORMAT_VERSION:
        raise DecryptionError("not a sealed value (unknown format)")
    key = keyring().keys.get(key_id)
    if key is None:
        shown = repr(key_id) if _KEY_ID.match(key_id) else "(malformed)"
        raise DecryptionError(f"unknown key id {shown}")
    if len(raw) < NONCE_BYTES + 16:  # nonce + GCM tag
        raise DecryptionError("malformed sealed value")
    try:
        plain = AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], associated_data.encode())
    except InvalidTag:
        raise DecryptionError("authentication failed") from None
    return plain.decode()


# --- Files (evidence documents) ----------------------------------------------------------------
# A sealed file is binary: ``CSF1``, the key id's length (one byte), the key id, the
# nonce, then the ciphertext and tag. The caller binds the document's id in as
# associated data, so a stored file copied under another document does not open.
FILE_MAGIC = b"CSF1"


def seal_bytes(plaintext: bytes, associated_data: str) -> bytes:
    ring = keyring()
    key_id = ring.newest_id.encode()
    nonce = secrets.token_bytes(NONCE_BYTES)
    ciphertext = AESGCM(ring.keys[ring.newest_id]).encrypt(nonce, plaintext, associated_data.encode())
    return FILE_MAGIC + bytes([len(key_id)]) + key_id + nonce + ciphertext


def key_id_of_bytes(blob: bytes) -> str:
    """The key id a sealed file names ("" if it is not a sealed file)."""
    head = len(FILE_MAGIC)
    if len(blob) < head + 1 or not blob.startswith(FILE_MAGIC):
        return ""
    return blob[head + 1:head + 1 + blob[head]].decode("ascii", "replace")


def open_sealed_bytes(blob: bytes, associated_data: str) -> bytes:
    head = len(FILE_MAGIC)
    if len(blob) < head + 1 or not blob.startswith(FILE_MAGIC):
        raise DecryptionError("not a sealed file")
    id_length = blob[head]
    key_id = blob[head + 1:head + 1 + id_length].decode("ascii", "replace")
    rest = blob[head + 1 + id_length:]
    key = keyring().keys.get(key_id)
    if key is None:
        shown = repr(key_id) if _KEY_ID.match(key_id) else "(malformed)"
        raise DecryptionError(f"unknown key id {shown}")
    if len(rest) < NONCE_BYTES + 16:
        raise DecryptionError("malformed sealed file")
    try:
        return AESGCM(key).decrypt(rest[:NONCE_BYTES], rest[NONCE_BYTES:], associated_data.encode())
    except InvalidTag:
        raise DecryptionError("authentication failed") from None


# Values typed in groups ("130402 500 127"): spacing inside them means nothing.
_COMPACT_PURPOSES = frozenset({"identity_number"})


def normalise_for_index(value: str, purpose: str = "") -> str:
    """Exact-match lookups ignore case, spacing and Unicode composition."""
    words = unicodedata.normalize("NFKC", value).casefold().split()
    return ("" if purpose in _COMPACT_PURPOSES else " ").join(words)


def blind_index(value: str, purpose: str) -> str:
    """A keyed HMAC of the normalised value: equal inputs match, nothing is revealed."""
    message = f"{purpose}\x00{normalise_for_index(value, purpose)}".encode()
    return hmac.new(keyring().blind_index_key, message, hashlib.sha256).hexdigest()
