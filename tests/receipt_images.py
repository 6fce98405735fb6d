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


# --- receipts to read: rendered text, optionally turned and noisy (OCR tests and bench/ocr.py) ---------------


def receipt_photo(
    shop: str,
    items: list[tuple[str, int]],
    day: str,
    *,
    total_word: str = 'TOTAL',
    angle: float = 0.0,
    noise: float = 0.0,
    seed: int = 0,
    font_size: int = 26,
) -> bytes:
    """A till receipt as a JPEG: the shop, an address, the date, the items, TOTAL and a card line. `angle`
    turns it (degrees, counter-clockwise); `noise` is the share of pixels flipped to black or white."""
    import random

    from PIL import ImageDraw, ImageFont

    font = ImageFont.load_default(size=font_size)
    total = sum(cents for _, cents in items)

    def money(cents: int) -> str:
        return f'{cents // 100},{cents % 100:02d}'

    lines = [shop.upper(), '12 rue de la Gare', '75010 PARIS', f'{day}  10:42', '']
    lines += [f'{name:<18}{money(cents):>8}' for name, cents in items]
    lines += ['', f'{total_word:<18}{money(total):>8}', f'CB EMV{"":<12}{money(total):>8}', '', 'MERCI DE VOTRE VISITE']
    width, line_height = 560, int(font_size * 1.45)
    image = Image.new('L', (width, 60 + line_height * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    for number, line in enumerate(lines):
        left = (width - draw.textlength(line, font=font)) / 2 if number < 4 or 'MERCI' in line else 30
        draw.text((left, 30 + number * line_height), line, fill=0, font=font)
    if noise:
        randomness = random.Random(seed)
        pixels = image.load()
        for _ in range(int(image.width * image.height * noise)):
            x, y = randomness.randrange(image.width), randomness.randrange(image.height)
            pixels[x, y] = randomness.choice((0, 255))  # type: ignore[index]
    if angle:
        image = image.rotate(angle, expand=True, fillcolor=235, resample=Image.Resampling.BICUBIC)
    out = io.BytesIO()
    image.convert('RGB').save(out, 'JPEG', quality=85)
    return out.getvalue()


def blank_photo() -> bytes:
    out = io.BytesIO()
    Image.new('RGB', (600, 800), (250, 250, 250)).save(out, 'JPEG')
    return out.getvalue()
