"""Checking, cleaning and storing a file's bytes (issue #9 item 7), whoever sent them.

``file_prepare`` refuses what is empty, too big or of a type not allowed (sniffed
from the bytes: the client's name and type are never trusted) and re-encodes
images without their metadata (EXIF with its GPS position, comments, colour
profiles), the orientation applied to the pixels. ``blob_put``/``blob_get`` seal
the bytes with the document's id bound in before they reach the storage
(``settings.EVIDENCE_STORAGE``: the file system or S3) and open them after.
"""

import hashlib
import io
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from config.errors import InputError
from privacy import crypto

# The pixels an image may have: far above any phone camera, far below a decompression bomb.
MAX_IMAGE_PIXELS = 80_000_000

EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf", "text/plain": "txt"}
TYPE_LABELS = {"image/jpeg": "JPEG", "image/png": "PNG", "application/pdf": "PDF", "text/plain": "TXT"}


@dataclass(frozen=True)
class PreparedFile:
    data: bytes  # what is stored (images: re-encoded without metadata)
    content_type: str
    sha256: str
    received_size: int
    received_sha256: str
    metadata_stripped: bool

    @property
    def size(self) -> int:
        return len(self.data)


def sniff_type(data: bytes) -> str:
    """The file's type by its first bytes ("" if it is none we know)."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return ""
    # Text a person wrote or copied: no control characters but line breaks and tabs.
    if any(ord(c) < 32 and c not in "\t\n\r\f" for c in text):
        return ""
    return "text/plain"


def _strip_image(data: bytes, content_type: str) -> bytes:
    """The image re-encoded from its pixels alone: no EXIF (GPS, camera, time), no text chunks."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            width, height = probe.size
            if width * height > MAX_IMAGE_PIXELS:
                raise InputError({"file": [_("The image is too large to be processed.")]})
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            # The orientation tag goes with the rest of the EXIF: apply it to the pixels first.
            image = ImageOps.exif_transpose(image)
            out = io.BytesIO()
            if content_type == "image/jpeg":
                if image.mode not in ("RGB", "L", "CMYK"):
                    image = image.convert("RGB")
                image.save(out, format="JPEG", quality=92)
            else:
                options = {}
                if "transparency" in image.info and image.mode in ("P", "L", "RGB"):
                    options["transparency"] = image.info["transparency"]
                image.save(out, format="PNG", optimize=True, **options)
            return out.getvalue()
    except InputError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise InputError({"file": [_("The image cannot be read: it may be damaged.")]}) from None


def file_prepare(data: bytes) -> PreparedFile:
    """Check a file and clean it for storage; InputError({"file": [...]}) if it is refused."""
    if not data:
        raise InputError({"file": [_("The file is empty.")]})
    if len(data) > settings.EVIDENCE_MAX_BYTES:
        raise InputError({"file": [_("The file is too large: at most %(size)s.") % {
            "size": filesizeformat(settings.EVIDENCE_MAX_BYTES)}]})
    content_type = sniff_type(data)
    if content_type not in settings.EVIDENCE_ALLOWED_TYPES:
        allowed = ", ".join(TYPE_LABELS.get(t, t) for t in settings.EVIDENCE_ALLOWED_TYPES)
        raise InputError({"file": [_("This type of file is not allowed: send %(types)s.") % {"types": allowed}]})
    stored, stripped = data, False
    if content_type in ("image/jpeg", "image/png"):
        stored, stripped = _strip_image(data, content_type), True
    return PreparedFile(
        data=stored, content_type=content_type, sha256=hashlib.sha256(stored).hexdigest(),
        received_size=len(data), received_sha256=hashlib.sha256(data).hexdigest(), metadata_stripped=stripped,
    )


def _storage():
    # Built from the settings on each use (cheap), so that a test's own storage takes effect.
    return storages.create_storage(settings.EVIDENCE_STORAGE)


def _associated_data(document_id) -> str:
    return f"evidence.document.{document_id}"


def new_storage_key() -> str:
    """Random and meaningless: no case, name or type in the storage."""
    token = secrets.token_hex(20)
    return f"{token[:2]}/{token}"


def blob_put(*, key: str, document_id, data: bytes) -> None:
    sealed = crypto.seal_bytes(data, _associated_data(document_id))
    saved = _storage().save(key, ContentFile(sealed))
    if saved != key:  # a storage that renamed it would lose the file: never expected with random keys
        _storage().delete(saved)
        raise RuntimeError("The evidence storage did not keep the key it was given.")


def blob_read_sealed(key: str) -> bytes:
    with _storage().open(key, "rb") as fh:
        return fh.read()


def blob_get(*, key: str, document_id) -> bytes:
    return crypto.open_sealed_bytes(blob_read_sealed(key), _associated_data(document_id))


def blob_reseal(*, key: str, document_id) -> str | None:
    """Store the file again sealed with the newest key, under a new key; returns the new key, or
    None if it is sealed with the newest key already. The caller points the row at the new key
    and then deletes the old file: at no moment is there no readable copy."""
    sealed = blob_read_sealed(key)
    if crypto.key_id_of_bytes(sealed) == crypto.keyring().newest_id:
        return None
    plain = crypto.open_sealed_bytes(sealed, _associated_data(document_id))
    new_key = new_storage_key()
    blob_put(key=new_key, document_id=document_id, data=plain)
    return new_key


def blob_delete(key: str) -> None:
    _storage().delete(key)


def download_name(case, document) -> str:
    """A neutral file name: the case reference and the document's number, never its own name."""
    return f"{case.reference}-{document.number:03d}.{EXTENSIONS.get(document.content_type, 'bin')}"
