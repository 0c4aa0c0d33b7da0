import io

import pytest
from PIL import Image


@pytest.fixture(autouse=True)
def evidence_storage(settings, tmp_path):
    """Each test stores its files in a directory of its own, never under var/."""
    root = tmp_path / "evidence"
    settings.EVIDENCE_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage",
                                 "OPTIONS": {"location": str(root)}}
    return root


def jpeg_with_gps(size=(40, 20)) -> bytes:
    """A photo as a phone makes it: camera make, orientation (rotate 90°) and a GPS position."""
    image = Image.new("RGB", size, (200, 10, 10))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view
    exif[0x8825] = {1: "N", 2: (43.0, 15.0, 7.5), 3: "E", 4: (76.0, 55.0, 1.0)}  # GPS IFD
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def png_bytes(size=(8, 8)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, "PNG")
    return out.getvalue()
