"""A streaming XLSX writer for the exports: rows go to a temporary file as they come, the workbook is zipped
at the end, so memory does not grow with the rows and each cell costs one f-string.

Why not a library: for 100,000 expenses openpyxl's write-only mode took 32 s and XlsxWriter's
constant-memory mode 9 to 11 s on this machine, most of it per-cell bookkeeping that a fixed layout does not
need (bench/exports.py compares the three; docs/PERFORMANCE.md). What is written is the small subset of
SpreadsheetML the exports use: inline strings, numbers, a handful of fixed styles, column widths and a frozen
first row. Every text is escaped here and written as a string cell, never as a formula.
"""

from __future__ import annotations

import re
import tempfile
import zipfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import IO

# the styles a cell may take (indexes into <cellXfs> below)
PLAIN, DAY, MONEY, HEADER, BOLD, BOLD_MONEY, SHARE = range(7)

_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
<numFmts count="3"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>\
<numFmt numFmtId="165" formatCode="#,##0.00"/><numFmt numFmtId="166" formatCode="0.0%"/></numFmts>\
<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>\
<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>\
<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>\
<fill><patternFill patternType="solid"><fgColor rgb="FFE0E7FF"/><bgColor indexed="64"/></patternFill></fill></fills>\
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
<cellXfs count="7"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1">\
<alignment vertical="center"/></xf>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
<xf numFmtId="165" fontId="1" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" applyFont="1"/>\
<xf numFmtId="166" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>\
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>"""

_MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main'
_RELS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'
_PACKAGE_RELS = 'http://schemas.openxmlformats.org/package/2006/relationships'
_SHEET_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml'
_EXCEL_EPOCH = date(1899, 12, 30).toordinal()  # day 0 of Excel's 1900 date system
_NOT_IN_XML = re.compile('[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]')
MAX_SHEET_NAME = 31


def _escape(text: str) -> str:
    """Text for XML: markup characters escaped; characters XML cannot carry written as Excel does (_xHHHH_)."""
    text = text.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')
    if _NOT_IN_XML.search(text):
        text = _NOT_IN_XML.sub(lambda found: f'_x{ord(found.group()):04X}_', text)
    return text


def _attribute(text: str) -> str:
    return _escape(text).replace('"', '&quot;')


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ''
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def excel_day(day: date) -> int:
    """A date as Excel's serial number (shown as a date by the DAY style)."""
    return day.toordinal() - _EXCEL_EPOCH


class Sheet:
    """One worksheet being written: `append` a row of values (str, int, float or None for an empty cell) with
    one style per column; rows are spooled to a temporary file until the workbook is closed."""

    def __init__(self, name: str, widths: Sequence[float]) -> None:
        self.name = name[:MAX_SHEET_NAME]
        self.widths = list(widths)
        self.rows = 0
        self._letters = [column_letter(index) for index in range(max(len(self.widths), 1))]
        self._spool: IO[str] = tempfile.TemporaryFile('w+', encoding='utf-8')  # noqa: SIM115 - closed by _finish

    def append(self, values: Sequence[str | int | float | None], styles: Sequence[int] = ()) -> None:
        self.rows += 1
        number = self.rows
        letters = self._letters
        if len(values) > len(letters):
            letters += [column_letter(index) for index in range(len(letters), len(values))]
        cells = []
        for column, value in enumerate(values):
            if value is None:
                continue
            style = styles[column] if column < len(styles) else PLAIN
            mark = f' s="{style}"' if style else ''
            if type(value) is str:
                if not value:
                    continue
                space = ' xml:space="preserve"' if value[0].isspace() or value[-1].isspace() else ''
                cells.append(
                    f'<c r="{letters[column]}{number}"{mark} t="inlineStr"><is><t{space}>{_escape(value)}</t></is></c>'
                )
            else:
                cells.append(f'<c r="{letters[column]}{number}"{mark}><v>{value!r}</v></c>')
        self._spool.write(f'<row r="{number}">{"".join(cells)}</row>')

    def _finish(self, book: zipfile.ZipFile, path: str, *, frozen_header: bool) -> None:
        last = f'{self._letters[len(self.widths) - 1] if self.widths else "A"}{max(self.rows, 1)}'
        view = (
            '<sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView>'
            if frozen_header
            else '<sheetView workbookViewId="0"/>'
        )
        cols = ''.join(
            f'<col min="{index}" max="{index}" width="{width}" customWidth="1"/>'
            for index, width in enumerate(self.widths, 1)
        )
        head = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{_MAIN}" xmlns:r="{_RELS}">'
            f'<dimension ref="A1:{last}"/><sheetViews>{view}</sheetViews><sheetFormatPr defaultRowHeight="15"/>'
            f'{f"<cols>{cols}</cols>" if cols else ""}<sheetData>'
        )
        self._spool.seek(0)
        with book.open(path, 'w', force_zip64=True) as entry:
            entry.write(head.encode())
            while chunk := self._spool.read(1 << 16):
                entry.write(chunk.encode('utf-8'))
            entry.write(b'</sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" ')
            entry.write(b'footer="0.3"/></worksheet>')
        self._spool.close()


class Workbook:
    """Sheets in the order they are added; `close` writes the file (a path or a binary file object)."""

    def __init__(self, target: str | Path | IO[bytes]) -> None:
        self.target = target
        self.sheets: list[Sheet] = []

    def add_sheet(self, name: str, widths: Sequence[float]) -> Sheet:
        sheet = Sheet(name, widths)
        self.sheets.append(sheet)
        return sheet

    def close(self) -> None:
        target = str(self.target) if isinstance(self.target, Path) else self.target
        # level 1: the XML compresses almost as well and several times quicker than the default 6
        with zipfile.ZipFile(target, 'w', compression=zipfile.ZIP_DEFLATED, compresslevel=1) as book:
            count = len(self.sheets)
            overrides = ''.join(
                f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{_SHEET_TYPE}"/>'
                for n in range(1, count + 1)
            )
            book.writestr(
                '[Content_Types].xml',
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                '<Override PartName="/xl/workbook.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                '<Override PartName="/xl/styles.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
                f'{overrides}</Types>',
            )
            book.writestr(
                '_rels/.rels',
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PACKAGE_RELS}">'
                f'<Relationship Id="rId1" Type="{_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
            )
            sheets = ''.join(
                f'<sheet name="{_attribute(sheet.name)}" sheetId="{n}" r:id="rId{n}"/>'
                for n, sheet in enumerate(self.sheets, 1)
            )
            book.writestr(
                'xl/workbook.xml',
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook xmlns="{_MAIN}" '
                f'xmlns:r="{_RELS}"><bookViews><workbookView/></bookViews><sheets>{sheets}</sheets></workbook>',
            )
            links = ''.join(
                f'<Relationship Id="rId{n}" Type="{_RELS}/worksheet" Target="worksheets/sheet{n}.xml"/>'
                for n in range(1, count + 1)
            )
            book.writestr(
                'xl/_rels/workbook.xml.rels',
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PACKAGE_RELS}">'
                f'{links}<Relationship Id="rId{count + 1}" Type="{_RELS}/styles" Target="styles.xml"/></Relationships>',
            )
            book.writestr('xl/styles.xml', _STYLES)
            for n, sheet in enumerate(self.sheets, 1):
                sheet._finish(book, f'xl/worksheets/sheet{n}.xml', frozen_header=True)

    def discard(self) -> None:
        """Close the spools without writing (an export that failed half-way)."""
        for sheet in self.sheets:
            sheet._spool.close()
