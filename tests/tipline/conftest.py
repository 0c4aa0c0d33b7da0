import io

import pytest
from PIL import Image

from tipline import services

PASSPHRASE = "blue-kite-river"


def png_bytes(size=(8, 8), text: str = "") -> bytes:
    """A screenshot; with ``text``, a PNG text chunk (metadata) that must not be kept."""
    from PIL import PngImagePlugin

    out = io.BytesIO()
    info = PngImagePlugin.PngInfo()
    if text:
        info.add_text("Comment", text)
    Image.new("RGB", size, (10, 120, 200)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


@pytest.fixture
def submit(school):
    """submit(school_code="kz-school-1", **fields) -> (tip, code) through the service."""

    def _submit(school_code="kz-school-1", **fields):
        values = dict(what="Сыныптастарым үзілісте мазақ етеді.", place="corridor", feeling="Қорқамын.",
                      passphrase=PASSPHRASE, passphrase_again=PASSPHRASE)
        values.update(fields)
        return services.tip_submit(school=school(school_code), **values)

    return _submit
