"""Files for the receipt tests, made on the spot: photos with EXIF (a camera name, a GPS position, an
orientation), PDFs with and without scripts, and files that lie about what they are."""

from __future__ import annotations

import io
import zlib

from PIL import Image

CAMERA = 'SpyCam 3000'


def photo(kind: str = 'JPEG', size: tuple[int, int] = (60, 30), *, exif: bool = True, color: str = 'red') -> bytes:
    """A small picture; with `exif`, the camera name, a GPS position and 'rotate 90°' (orientation 6)."""
    image = Image.new('RGB', size, color)
    out = io.BytesIO()
    if exif:
        tags = Image.Exif()
        tags[0x010F] = CAMERA
        tags[0x0112] = 6
        gps = tags.get_ifd(0x8825)
        gps[1], gps[2] = 'N', (48.0, 51.0, 30.0)
        image.save(out, kind, exif=tags)
    else:
        image.save(out, kind)
    return out.getvalue()


def pdf(body: bytes = b'<< /Type /Catalog /Pages 2 0 R >>') -> bytes:
    return b'%PDF-1.4\n1 0 obj\n' + body + b'\nendobj\ntrailer << /Root 1 0 R >>\n%%EOF\n'


def pdf_with_script() -> bytes:
    return pdf(b'<< /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>')


def pdf_with_hidden_script() -> bytes:
    """The script inside a compressed object stream, its name written with a #xx escape."""
    hidden = zlib.compress(b'<< /S /J#61vaScript /JS (app.alert(1)) >>')
    return b'%PDF-1.5\n1 0 obj\n<< /Type /ObjStm /Filter /FlateDecode >>\nstream\n' + hidden + b'\nendstream\nendobj\n'


def executable_named_jpeg() -> bytes:
    """An ELF program, the kind of file that arrives named photo.jpg with type image/jpeg."""
    return b'\x7fELF\x02\x01\x01\x00' + b'\x00' * 8 + b'\x02\x00>\x00' + b'\x90' * 200


def jpeg_header_then_garbage() -> bytes:
    """Starts like a JPEG, is not one."""
    return b'\xff\xd8\xff\xe0' + b'MZ' + b'\x00' * 300
