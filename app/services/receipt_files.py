"""The bytes of receipts: what a file really is, made safe to keep, stored by its SHA-256, and its thumbnail.

Nothing here trusts the name or the type a client gives: the kind comes from the first bytes (JPEG, PNG,
WebP, HEIC/HEIF when pillow-heif is installed, PDF). Images are decoded and written again by Pillow, which
drops EXIF (GPS position, camera serial), XMP and comments, after turning the picture upright the way its
EXIF said; a HEIC photo is kept as a JPEG, which every browser can show. A PDF is kept as it came, but
one that carries JavaScript, launch actions or embedded files is refused. No database access here
(receipts.py and receipt_rows.py hold the rows).
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import re
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageOps, UnidentifiedImageError

from app.config import get_settings
from app.i18n import Message
from app.services.errors import Invalid

try:  # optional: HEIC photos of iPhones
    from pillow_heif import register_heif_opener

    register_heif_opener()
    HEIC_SUPPORTED = True
except ImportError:  # pragma: no cover - pillow-heif is pinned, but the app works without it
    HEIC_SUPPORTED = False

THUMB_SIZE = 320
MAX_PIXELS = 50_000_000  # a 50 Mpx photo is already more than any phone takes; beyond it: a pixel bomb
JPEG_QUALITY = 88
EXTENSIONS = {'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'application/pdf': 'pdf'}
_SHA256 = re.compile(r'[0-9a-f]{64}')
# What a PDF may not carry: scripts, actions that start programs or open sites, files inside it, forms that run.
_PDF_DANGERS = (b'/javascript', b'/js', b'/launch', b'/embeddedfile', b'/embeddedfiles', b'/richmedia', b'/xfa')
_PDF_NAME_ESCAPE = re.compile(rb'#([0-9A-Fa-f]{2})')
_PDF_STREAM = re.compile(rb'stream\r?\n(.*?)endstream', re.DOTALL)
_PDF_NAME = re.compile(rb'/[A-Za-z#0-9]+')
MAX_INFLATED = 64 << 20


@dataclass(frozen=True, slots=True)
class StoredFile:
    """A receipt's bytes as kept: their hash, type and size, and the picture's size (None for a PDF)."""

    sha256: str
    content_type: str
    size: int
    width: int | None
    height: int | None


def sniff(data: bytes) -> str | None:
    """The type the first bytes announce, or None for anything we do not keep."""
    head = data[:32]
    if head.startswith(b'\xff\xd8\xff'):
        return 'image/jpeg'
    if head.startswith(b'\x89PNG\r\n\x1a\n'):
        return 'image/png'
    if head[:4] == b'RIFF' and head[8:12] == b'WEBP':
        return 'image/webp'
    if head[4:8] == b'ftyp' and head[8:12] in (b'heic', b'heix', b'heif', b'mif1', b'msf1', b'hevc', b'heim', b'heis'):
        return 'image/heic'
    if data[:1024].lstrip(b'\x00\t\r\n ').startswith(b'%PDF-'):
        return 'application/pdf'
    return None


def _refuse_type() -> Invalid:
    if HEIC_SUPPORTED:
        message = Message(
            'This file is not a photo or a PDF (its content is not JPEG, PNG, WebP, HEIC or PDF); nothing was kept.'
        )
    else:
        message = Message(
            'This file is not a photo or a PDF (its content is not JPEG, PNG, WebP or PDF); nothing was kept.'
        )
    return Invalid(message, field='file')


def _pdf_names(chunk: bytes) -> set[bytes]:
    return {
        _PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), name).lower() for name in _PDF_NAME.findall(chunk)
    }


def pdf_has_active_content(data: bytes) -> bool:
    """Whether the PDF names JavaScript, launch actions, embedded files or XFA forms, also inside its
    compressed streams (object streams hide dictionaries there) and behind #xx escapes in names."""
    names = _pdf_names(data)
    inflated = 0
    for match in _PDF_STREAM.finditer(data):
        try:
            decompressor = zlib.decompressobj()
            plain = decompressor.decompress(match.group(1).lstrip(b'\r\n'), MAX_INFLATED - inflated)
        except zlib.error:
            continue
        inflated += len(plain)
        names |= _pdf_names(plain)
        if inflated >= MAX_INFLATED:
            return True  # a PDF receipt that inflates to 64 MB is not a receipt
    return any(danger in names for danger in _PDF_DANGERS)


def _clean_image(data: bytes, kind: str) -> tuple[bytes, str, int, int]:
    """Decode and write the image again without its metadata, upright; HEIC becomes JPEG."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise Invalid(
                    Message(
                        'This picture is {width} × {height} pixels, more than a receipt needs; send a smaller one.',
                        width=width,
                        height=height,
                    ),
                    field='file',
                )
            probe.load()
            image = ImageOps.exif_transpose(probe)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise Invalid(
            Message('This picture is damaged or truncated and cannot be read; nothing was kept.'), field='file'
        ) from None
    out = io.BytesIO()
    if kind == 'image/png':
        image.save(out, 'PNG', optimize=False)
    elif kind == 'image/webp':
        image.save(out, 'WEBP', quality=JPEG_QUALITY)
    else:
        if image.mode not in ('RGB', 'L'):
            image = image.convert('RGB')
        image.save(out, 'JPEG', quality=JPEG_QUALITY, optimize=True)
        kind = 'image/jpeg'
    return out.getvalue(), kind, image.width, image.height


def clean(data: bytes) -> tuple[bytes, str, int | None, int | None]:
    """The bytes to keep and their type, from what was uploaded; Invalid when it is not a receipt."""
    if not data:
        raise Invalid(Message('The file is empty; nothing was kept.'), field='file')
    kind = sniff(data)
    if kind is None or (kind == 'image/heic' and not HEIC_SUPPORTED):
        raise _refuse_type()
    if kind == 'application/pdf':
        if pdf_has_active_content(data):
            raise Invalid(
                Message(
                    'This PDF contains scripts, actions or embedded files, which a receipt does not need; '
                    'print it to a new PDF or send a photo. Nothing was kept.'
                ),
                field='file',
            )
        return data, kind, None, None
    return _clean_image(data, kind)


# --- storage ------------------------------------------------------------------------------------------


def receipts_dir() -> Path:
    return get_settings().data_path / 'receipts'


def relative_path(sha256: str, content_type: str, *, thumbnail: bool = False) -> str:
    """Where under receipts_dir() a file lives: `ab/abcdef….jpg`, its thumbnail `ab/abcdef….thumb.jpg`."""
    if not _SHA256.fullmatch(sha256):
        raise ValueError('not a SHA-256')
    name = f'{sha256}.thumb.jpg' if thumbnail else f'{sha256}.{EXTENSIONS[content_type]}'
    return f'{sha256[:2]}/{name}'


def file_path(sha256: str, content_type: str, *, thumbnail: bool = False) -> Path:
    return receipts_dir() / relative_path(sha256, content_type, thumbnail=thumbnail)


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    handle, temporary = tempfile.mkstemp(prefix='.receipt-', dir=path.parent)
    try:
        with os.fdopen(handle, 'wb') as out:
            out.write(data)
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def thumbnail_bytes(data: bytes, content_type: str) -> bytes:
    """A small JPEG: the picture shrunk, or for a PDF a sheet with the letters PDF (no PDF renderer here)."""
    if content_type == 'application/pdf':
        image = Image.new('RGB', (THUMB_SIZE * 3 // 4, THUMB_SIZE), '#f3f4f6')
        draw = ImageDraw.Draw(image)
        draw.rectangle((12, 12, image.width - 12, image.height - 12), outline='#9ca3af', width=3)
        draw.text((image.width // 2, image.height // 2), 'PDF', fill='#b91c1c', anchor='mm', font_size=48)
    else:
        with Image.open(io.BytesIO(data)) as source:
            source.draft('RGB', (THUMB_SIZE * 2, THUMB_SIZE * 2))  # JPEG: decode at a fraction of the size
            image = source.convert('RGB')
        image.thumbnail((THUMB_SIZE, THUMB_SIZE))
    out = io.BytesIO()
    image.save(out, 'JPEG', quality=80)
    return out.getvalue()


def data_url(jpeg: bytes) -> str:
    return 'data:image/jpeg;base64,' + base64.b64encode(jpeg).decode('ascii')


def check_and_preview(data: bytes) -> tuple[str, bool]:
    """Refuse what `store` would refuse (the same checks), and give the thumbnail (a data: URL) to show
    while the file waits for its expense to be saved; True when it is a PDF."""
    kept, kind, _width, _height = clean(data)
    return data_url(thumbnail_bytes(kept, kind)), kind == 'application/pdf'


def larger_preview(data: bytes, size: int = 1400) -> str:
    """A picture big enough to read and small enough for a page's connection, as a data: URL."""
    kept, _kind, _width, _height = clean(data)
    with Image.open(io.BytesIO(kept)) as source:
        image = source.convert('RGB')
    image.thumbnail((size, size))
    out = io.BytesIO()
    image.save(out, 'JPEG', quality=80)
    return data_url(out.getvalue())


def store(data: bytes) -> StoredFile:
    """Check, clean and keep `data` (once per content: the same bytes are stored once), with its thumbnail."""
    kept, kind, width, height = clean(data)
    digest = hashlib.sha256(kept).hexdigest()
    target = file_path(digest, kind)
    if not target.exists():
        _write_atomically(target, kept)
    thumb = file_path(digest, kind, thumbnail=True)
    if not thumb.exists():
        _write_atomically(thumb, thumbnail_bytes(kept, kind))
    return StoredFile(sha256=digest, content_type=kind, size=len(kept), width=width, height=height)


def remove(sha256: str, content_type: str) -> None:
    """Delete a file and its thumbnail (once no receipt refers to them: receipt_rows decides)."""
    for thumbnail in (False, True):
        file_path(sha256, content_type, thumbnail=thumbnail).unlink(missing_ok=True)


def stored_files() -> list[tuple[str, Path]]:
    """Every kept file and thumbnail as (name relative to receipts_dir, path): what a backup carries."""
    root = receipts_dir()
    if not root.is_dir():
        return []
    found = []
    for path in sorted(root.glob('??/*')):
        name = f'{path.parent.name}/{path.name}'
        if path.is_file() and is_stored_name(name):
            found.append((name, path))
    return found


_STORED_NAME = re.compile(r'([0-9a-f]{2})/([0-9a-f]{64})\.(jpg|png|webp|pdf|thumb\.jpg)')


def is_stored_name(name: str) -> bool:
    """Whether `name` is one of ours (`ab/<sha256>.ext`): the only receipt names a backup may restore."""
    match = _STORED_NAME.fullmatch(name)
    return bool(match) and match is not None and match.group(2).startswith(match.group(1))
