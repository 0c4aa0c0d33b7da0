"""The demo's evidence: one generated screenshot-like PNG and one takedown request on the
cyberbullying case "kz-breached". Made with Pillow at load time; no personal data in it."""

import io

from PIL import Image, ImageDraw

from evidence import services
from evidence.models import Document


def _demo_png() -> bytes:
    image = Image.new("RGB", (320, 180), (245, 247, 250))
    draw = ImageDraw.Draw(image)
    for row, width in enumerate((220, 160, 250, 120)):
        top = 20 + row * 38
        draw.rounded_rectangle((20, top, 20 + width, top + 26), radius=8, fill=(210, 220, 235))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def load_demo_evidence(*, case, user) -> None:
    """Idempotent: a case that has documents already is left alone."""
    if Document.objects.filter(case=case).exists():
        return
    services.document_upload(user=user, case=case, data=_demo_png(), title="Screenshot of the class chat (demo)",
                             original_name="demo-screenshot.png")
    services.takedown_request(user=user, case=case, platform="instagram",
                              content_url="https://www.instagram.com/p/demo-post/")
