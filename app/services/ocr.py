"""Reading a receipt photo on the server, offline: its total, its date and the shop's name.

Tesseract does the reading (the Debian packages tesseract-ocr, -eng and -fra, called through pytesseract);
nothing leaves the machine. When Tesseract or its English and French data are missing, `available()` is
False and the pages offer nothing. Reading is slow (a second or more): callers run it in a worker thread.

What is read is a suggestion that the person confirms, so the rules below prefer saying nothing to saying
something wrong: the total is the amount on a line that says TOTAL (or "à payer", "montant"...), not on a
sub-total or tax line, and only falls back to the largest amount when no such line was read; a date must
be a real day between 2000 and tomorrow; the shop is the first line of words at the top.
"""

from __future__ import annotations

import functools
import io
import os
import re
import shutil
from dataclasses import dataclass
from datetime import date, timedelta

from PIL import Image, ImageFilter, ImageOps

from app.i18n import Message
from app.services import receipt_files
from app.services.clock import today
from app.services.errors import Invalid

LANGUAGES = 'eng+fra'
TIMEOUT_SECONDS = 30
WORK_WIDTH = 1200  # a receipt's ~40 characters a line at the 30-40 px letters Tesseract reads best
MAX_SHOP = 60

# One thread per Tesseract run: on a small server several threads per page cost more than they win, and
# the pages read one receipt at a time anyway.
os.environ.setdefault('OMP_THREAD_LIMIT', '1')

_AMOUNT = re.compile(r'(?<![\d.,])(\d{1,3}(?:[ .\u202f\u00a0]\d{3})+|\d{1,6})\s?[.,]\s?(\d{2})(?![\d.,]*\d)')
_TOTAL_WORDS = re.compile(
    r'\b(total|totai|tota1|montant|a\s*payer|à\s*payer|net\s*a\s*payer|amount\s*due|balance\s*due|to\s*pay|'
    r'grand\s*total|summe)\b',
    re.IGNORECASE,
)
_NOT_TOTAL = re.compile(r'\b(sous[\s-]*total|sub[\s-]*total|tva|vat|tax|taxe|ht|remise|discount|rendu|change)\b', re.I)
_MONTH_NAMES = (
    ('jan', 'janv'),
    ('feb', 'févr', 'fev', 'fevr'),
    ('mar', 'mars'),
    ('apr', 'avr'),
    ('may', 'mai'),
    ('jun', 'juin'),
    ('jul', 'juil'),
    ('aug', 'août', 'aout'),
    ('sep', 'sept'),
    ('oct',),
    ('nov',),
    ('dec', 'déc'),
)
_MONTHS = {name: number for number, names in enumerate(_MONTH_NAMES, 1) for name in names}
_NUMERIC_DATE = re.compile(r'(?<!\d)(\d{1,4})\s?[/.\-]\s?(\d{1,2})\s?[/.\-]\s?(\d{2,4})(?!\d)')
_WORD_DATE = re.compile(r'(?<!\d)(\d{1,2})\s+([A-Za-zÀ-ÿ]{3,9})\.?\s+(\d{4})(?!\d)')
_WORD_DATE_US = re.compile(r'\b([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})(?!\d)')


@dataclass(frozen=True, slots=True)
class ReceiptReading:
    """What was read; any part may be None. `text` is Tesseract's whole output (for the curious, and tests)."""

    total_cents: int | None
    date: date | None
    shop: str | None
    text: str

    @property
    def found_anything(self) -> bool:
        return self.total_cents is not None or self.date is not None or bool(self.shop)


@functools.cache
def available() -> bool:
    """Whether Tesseract and its English and French data are installed (asked once per process)."""
    if shutil.which('tesseract') is None:
        return False
    try:
        import pytesseract

        languages = set(pytesseract.get_languages(config=''))
    except Exception:  # noqa: BLE001 - any failure to ask means we cannot read
        return False
    return {'eng', 'fra'} <= languages


def _prepared(image: Image.Image) -> Image.Image:
    """Upright, grey, denoised, straightened, about WORK_WIDTH wide, contrast stretched: what Tesseract
    reads best."""
    image = ImageOps.exif_transpose(image).convert('L')
    if image.width > WORK_WIDTH * 2:
        image = image.resize((WORK_WIDTH * 2, round(image.height * WORK_WIDTH * 2 / image.width)))
    image = image.filter(ImageFilter.MedianFilter(3))  # salt-and-pepper noise, before it is enlarged
    image = ImageOps.autocontrast(image, cutoff=1)
    angle = skew_angle(image)
    if angle:
        image = image.rotate(angle, expand=True, fillcolor=255, resample=Image.Resampling.BICUBIC)
    if image.width < WORK_WIDTH * 0.7 or image.width > WORK_WIDTH * 1.4:
        ratio = WORK_WIDTH / image.width
        image = image.resize((WORK_WIDTH, max(1, round(image.height * ratio))), Image.Resampling.LANCZOS)
    return image


def skew_angle(image: Image.Image, limit: int = 12) -> float:
    """The small turn (degrees) that makes the lines of text horizontal: the angle at which the rows of a
    small black-and-white copy are most unequal (rows of text and rows of paper apart)."""
    small = image.copy()
    small.thumbnail((400, 400))
    ink = small.point(lambda value: 255 if value < 128 else 0)

    def sharpness(angle: float) -> float:
        turned = ink.rotate(angle, expand=False, fillcolor=0)
        width = turned.width
        data = turned.tobytes()
        rows = [sum(data[y * width : (y + 1) * width]) for y in range(turned.height)]
        mean = sum(rows) / len(rows)
        return sum((row - mean) ** 2 for row in rows)

    coarse = max(range(-limit, limit + 1, 2), key=sharpness)
    best = max((coarse - 1, coarse - 0.5, coarse, coarse + 0.5, coarse + 1), key=sharpness)
    return 0.0 if abs(best) < 0.5 else float(best)


def _tesseract(image: Image.Image, psm: int) -> str:
    import pytesseract

    return pytesseract.image_to_string(image, lang=LANGUAGES, config=f'--psm {psm}', timeout=TIMEOUT_SECONDS)


def _upright_by_osd(image: Image.Image) -> Image.Image | None:
    """Turned a quarter or half turn by Tesseract's orientation detection; None when it cannot tell."""
    import pytesseract

    try:
        osd = pytesseract.image_to_osd(image, config='--psm 0', timeout=TIMEOUT_SECONDS)
    except Exception:  # noqa: BLE001 - "too few characters": nothing more to try
        return None
    match = re.search(r'Rotate: (\d+)', osd)
    angle = int(match.group(1)) if match else 0
    return image.rotate(-angle, expand=True, fillcolor=255) if angle else None


def read_receipt(data: bytes, *, locale: str = 'fr-FR', timezone: str | None = None) -> ReceiptReading:
    """Read a receipt photo (the bytes as uploaded). Raises Invalid when nothing useful could be read, or
    when OCR is not installed. `locale` decides 03/04 (day first, unless en-US)."""
    if not available():
        raise Invalid(Message('Reading receipts is not available on this server (Tesseract is not installed).'))
    kind = receipt_files.sniff(data)
    if kind is None or kind == 'application/pdf':
        raise Invalid(Message('Only photos can be read, not PDFs or other files.'), field='file')
    try:
        with Image.open(io.BytesIO(data)) as source:
            if source.width * source.height > receipt_files.MAX_PIXELS:
                raise Invalid(Message('This picture is too large to be read.'), field='file')
            image = _prepared(source)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise Invalid(Message('This picture is damaged or truncated and cannot be read; nothing was kept.')) from None
    latest = today(timezone) + timedelta(days=1)
    month_first = locale.replace('_', '-').lower() == 'en-us'
    reading = parse(_tesseract(image, 4), month_first=month_first, latest=latest)
    if reading.total_cents is None or reading.date is None:
        turned = _upright_by_osd(image)
        if turned is not None:  # a photo taken sideways: read it the right way up
            reading = _best(parse(_tesseract(turned, 4), month_first=month_first, latest=latest), reading)
    if reading.total_cents is None or reading.date is None:
        reading = _best(reading, parse(_tesseract(image, 6), month_first=month_first, latest=latest))
    if not reading.found_anything:
        raise Invalid(
            Message('Could not read this receipt: no total, date or shop name was found. Fill them in yourself.')
        )
    return reading


def _best(first: ReceiptReading, second: ReceiptReading) -> ReceiptReading:
    """Each part from the first reading that has it."""
    return ReceiptReading(
        total_cents=first.total_cents if first.total_cents is not None else second.total_cents,
        date=first.date or second.date,
        shop=first.shop or second.shop,
        text=first.text if first.found_anything else second.text,
    )


# --- from text to figures (pure, tested on its own) ---------------------------------------------------------


def amounts(line: str) -> list[int]:
    """The amounts written on a line, in cents: 12,50 / 12.50 / 1 234,56 / 1.234,56."""
    found = []
    for whole, cents in _AMOUNT.findall(line):
        digits = re.sub(r'\D', '', whole)
        if digits:
            found.append(int(digits) * 100 + int(cents))
    return [cents for cents in found if 0 < cents < 100_000_000]


def find_total(lines: list[str]) -> int | None:
    """The amount of the last line that names the total (the one paid comes last), else of the line just
    after such a word (two-column receipts), else the largest amount of the receipt."""
    candidates: list[int] = []
    for index, line in enumerate(lines):
        if _TOTAL_WORDS.search(line) and not _NOT_TOTAL.search(line):
            on_line = amounts(line)
            if not on_line and index + 1 < len(lines):
                on_line = amounts(lines[index + 1])
            if on_line:
                candidates.append(on_line[-1])
    if candidates:
        return max(candidates)  # TOTAL 12,50 then CB 12,50, or TOTAL beside a smaller "dont TVA"
    every = [cents for line in lines if not _NOT_TOTAL.search(line) for cents in amounts(line)]
    return max(every) if every else None


def _valid(year: int, month: int, day: int, latest: date) -> date | None:
    if year < 100:
        year += 2000
    try:
        found = date(year, month, day)
    except ValueError:
        return None
    return found if date(2000, 1, 1) <= found <= latest else None


def find_date(text: str, *, month_first: bool = False, latest: date | None = None) -> date | None:
    """The first real date of the receipt: 12/03/2026, 12.03.26, 2026-03-12, 12 mars 2026, March 12, 2026."""
    latest = latest or date.today() + timedelta(days=1)
    for match in _NUMERIC_DATE.finditer(text):
        a, b, c = (int(part) for part in match.groups())
        if len(match.group(1)) == 4:
            found = _valid(a, b, c, latest)
        elif month_first:
            found = _valid(c, a, b, latest) or _valid(c, b, a, latest)
        else:
            found = _valid(c, b, a, latest) or _valid(c, a, b, latest)
        if found:
            return found
    for day_text, month_text, year_text in _WORD_DATE.findall(text):
        month = _MONTHS.get(month_text.lower().rstrip('.')[:4]) or _MONTHS.get(month_text.lower()[:3])
        found = _valid(int(year_text), month, int(day_text), latest) if month else None
        if found:
            return found
    for month_text, day_text, year_text in _WORD_DATE_US.findall(text):
        month = _MONTHS.get(month_text.lower()[:3])
        found = _valid(int(year_text), month, int(day_text), latest) if month else None
        if found:
            return found
    return None


def find_shop(lines: list[str]) -> str | None:
    """The first line near the top that is mostly letters: the shop's name, in Title Case when shouted."""
    for line in lines[:6]:
        text = ' '.join(re.sub(r'[^\w&\'’ .-]', ' ', line).split()).strip(' .-')
        letters = sum(ch.isalpha() for ch in text)
        if letters >= 3 and letters >= 0.6 * len(text.replace(' ', '')) and not _TOTAL_WORDS.search(text):
            text = text[:MAX_SHOP]
            return text.title() if text.isupper() else text
    return None


def parse(text: str, *, month_first: bool = False, latest: date | None = None) -> ReceiptReading:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return ReceiptReading(
        total_cents=find_total(lines),
        date=find_date(text, month_first=month_first, latest=latest),
        shop=find_shop(lines),
        text=text,
    )
