"""QR codes for exhibit labels, as inline SVG."""

import qrcode
import qrcode.image.svg
from qrcode.constants import ERROR_CORRECT_M


def qr_svg(data: str) -> str:
    """An SVG `<svg>` element (no XML prolog, so it can be inlined in HTML) encoding `data`."""
    # Medium error correction survives a scuffed or partly covered label at little size cost.
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=10, border=2)
    code.add_data(data)
    code.make(fit=True)
    image = code.make_image(image_factory=qrcode.image.svg.SvgPathImage)
    svg = image.to_string(encoding="unicode")
    return svg[svg.index("<svg") :]
