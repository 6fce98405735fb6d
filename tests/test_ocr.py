"""Reading receipts offline: the text rules on their own, then Tesseract on receipts rendered for the test
(clean, turned, noisy) and on a blank picture."""

from __future__ import annotations

from datetime import date

import pytest

from app.services import ocr
from app.services.errors import Invalid
from tests import receipt_images as files

ITEMS = [('PAIN', 125), ('LAIT 1L', 98), ('POMMES', 345)]
needs_tesseract = pytest.mark.skipif(not ocr.available(), reason='Tesseract with eng and fra is not installed')
LATEST = date(2026, 12, 31)


@pytest.mark.parametrize(
    ('line', 'cents'),
    [('TOTAL 12,50', [1250]), ('TOTAL EUR 1 234,56', [123456]), ('1.234,56', [123456]), ('3 x 2.10 6.30', [210, 630])],
)
def test_amounts_in_a_line(line, cents) -> None:
    assert ocr.amounts(line) == cents


def test_the_total_is_the_total_line_not_the_subtotal_or_the_tax() -> None:
    lines = ['SOUS-TOTAL 10,00', 'TVA 5,5% 0,52', 'TOTAL TTC 10,52', 'CB 10,52', 'RENDU 0,00']
    assert ocr.find_total(lines) == 1052
    assert ocr.find_total(['NET A PAYER', '42,10']) == 4210  # the amount on the next line
    assert ocr.find_total(['PAIN 1,25', 'LAIT 0,98']) == 125  # no total line: the largest amount
    assert ocr.find_total(['no figures here']) is None


@pytest.mark.parametrize(
    ('text', 'expected'),
    [
        ('le 12/03/2026 a 10:42', date(2026, 3, 12)),
        ('12.03.26 10:42', date(2026, 3, 12)),
        ('2026-03-12', date(2026, 3, 12)),
        ('jeudi 12 mars 2026', date(2026, 3, 12)),
        ('March 12, 2026', date(2026, 3, 12)),
        ('31/02/2026 then 01/03/2026', date(2026, 3, 1)),  # not a day, then one
        ('99/99/9999', None),
        ('12/03/2031', None),  # after tomorrow: a misreading
    ],
)
def test_dates(text, expected) -> None:
    assert ocr.find_date(text, latest=LATEST) == expected


def test_month_first_for_american_receipts() -> None:
    assert ocr.find_date('03/12/2026', month_first=True, latest=LATEST) == date(2026, 3, 12)
    assert ocr.find_date('03/12/2026', latest=LATEST) == date(2026, 12, 3)


def test_the_shop_is_the_first_line_of_words() -> None:
    assert ocr.find_shop(['', '*** CARREFOUR MARKET ***', '12 rue de la Gare']) == 'Carrefour Market'
    assert ocr.find_shop(['12/03/2026', '4,50']) is None


@needs_tesseract
@pytest.mark.parametrize('variant', [{}, {'angle': 5, 'noise': 0.03, 'seed': 1}, {'angle': 90}])
def test_tesseract_reads_total_date_and_shop_of_generated_receipts(variant) -> None:
    photo = files.receipt_photo('Carrefour Market', ITEMS, '12/03/2026', **variant)
    reading = ocr.read_receipt(photo, timezone='Europe/Paris')
    assert (reading.total_cents, reading.date) == (568, date(2026, 3, 12))
    assert reading.shop == 'Carrefour Market'


@needs_tesseract
def test_a_blank_picture_could_not_be_read() -> None:
    with pytest.raises(Invalid, match='Could not read this receipt'):
        ocr.read_receipt(files.blank_photo())


def test_a_pdf_is_not_read(monkeypatch) -> None:
    monkeypatch.setattr(ocr, 'available', lambda: True)
    with pytest.raises(Invalid, match='Only photos'):
        ocr.read_receipt(files.pdf())


def test_without_tesseract_reading_says_so(monkeypatch) -> None:
    monkeypatch.setattr(ocr, 'available', lambda: False)
    with pytest.raises(Invalid, match='not available'):
        ocr.read_receipt(files.receipt_photo('Shop', ITEMS, '12/03/2026'))
