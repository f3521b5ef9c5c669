"""A streaming XLSX writer for the county export: typed cells, one sheet per table, header
row frozen, written row by row into the zip (constant memory, no cell objects).

openpyxl's write-only mode builds an object and an XML element per cell: 14 s for a
100,000-row month. The export only needs five cell kinds, so it writes the sheet XML
itself; openpyxl still reads every workbook back in `verify` and the tests, and writes the
report workbooks with charts.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from station.domain.spreadsheet import restore

MONEY, INT, TEXT, DATETIME, DATE = "money", "int", "text", "datetime", "date"
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
ONE_DAY = dt.timedelta(days=1)
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_LOOKS_ESCAPED = re.compile(r"_x[0-9A-Fa-f]{4}_")
# Characters XML cannot carry, and a carriage return (XML reads it back as a line feed).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b-\x1f\ufffe\uffff]")
# Style index per kind (see STYLES): money "0.00", date-time, date.
_STYLE = {MONEY: ' s="1"', DATETIME: ' s="2"', DATE: ' s="3"'}

STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd hh:mm:ss"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd"/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'  # noqa: E501 (one XML element)
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetViews><sheetView workbookViewId="0">'
    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
    "</sheetView></sheetViews><sheetData>"
)
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


def excel_escape(text: str) -> str:
    """Excel's own escape for characters XML cannot carry (`_x0007_`), and for text that
    merely looks like one (`_x005F_` before it); openpyxl's `unescape` reverses both."""
    if "_x" in text:
        text = _LOOKS_ESCAPED.sub(lambda m: "_x005F" + m.group(), text)
    if _ILLEGAL.search(text):
        text = _ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    return text


def _text_cell(text: str) -> str:
    text = excel_escape(text)
    return f'<c t="inlineStr"><is><t xml:space="preserve">{escape(text)}</t></is></c>'


def _typed_cell(kind: str):
    style = _STYLE.get(kind, "")

    def number(text: str) -> str:
        if not text:
            return "<c/>"
        if text[0] == "'":
            text = restore(text)  # typed columns hold plain values; see domain.spreadsheet
        return f"<c{style}><v>{text}</v></c>" if _NUMBER.match(text) else _text_cell(text)

    def moment(text: str) -> str:
        if not text:
            return "<c/>"
        if text[0] == "'":
            text = restore(text)
        try:
            at = dt.datetime.fromisoformat(text)
        except ValueError:
            return _text_cell(text)
        if at.microsecond % 1000:  # a spreadsheet holds milliseconds: .999999 would show the next day
            return _text_cell(text)
        return f"<c{style}><v>{(at - EXCEL_EPOCH) / ONE_DAY!r}</v></c>"

    return moment if kind in (DATETIME, DATE) else number


def _text_or_empty(text: str) -> str:
    return _text_cell(text) if text else "<c/>"


def cell_writer(kind: str):
    """The function that turns a column's export text into a cell ("" is an empty cell); a
    value that is not what its column promises is kept as text rather than lost."""
    return _text_or_empty if kind == TEXT else _typed_cell(kind)


class XlsxStream:
    """`with XlsxStream(path) as book:` then `book.add_sheet(name, header, kinds, rows)` per table."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sheets: list[str] = []
        self.zip = zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)

    def __enter__(self) -> XlsxStream:
        return self

    def __exit__(self, kind, error, traceback) -> None:
        try:
            if error is None:
                self._write_package_parts()
        finally:
            self.zip.close()

    def add_sheet(self, name: str, header: Sequence[str], kinds: Sequence[str], rows) -> None:
        """Stream `rows` (sequences of export texts) into a new sheet after the header row."""
        self.sheets.append(name)
        part = f"xl/worksheets/sheet{len(self.sheets)}.xml"
        with self.zip.open(part, "w", force_zip64=True) as raw:
            buffer: list[str] = [_SHEET_START, '<row r="1">', *(_text_cell(h) for h in header), "</row>"]
            writers = [cell_writer(kind) for kind in kinds]
            for number, texts in enumerate(rows, start=2):  # cells follow one another, rows are numbered
                buffer.append(
                    f'<row r="{number}">' + "".join([write(t) for write, t in zip(writers, texts)]) + "</row>"
                )
                if len(buffer) >= 2000:
                    raw.write("".join(buffer).encode("utf-8"))
                    buffer.clear()
            buffer.append("</sheetData></worksheet>")
            raw.write("".join(buffer).encode("utf-8"))

    def _write_package_parts(self) -> None:
        count = len(self.sheets)
        sheet_types = "".join(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" '
            f'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for n in range(1, count + 1)
        )
        self.zip.writestr(
            "[Content_Types].xml",
            (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                '<Override PartName="/xl/workbook.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                '<Override PartName="/xl/styles.xml" '
                'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
                f"{sheet_types}</Types>"
            ),
        )
        self.zip.writestr(
            "_rels/.rels",
            (
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG_REL_NS}">'
                f'<Relationship Id="rId1" Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
            ),
        )
        sheets = "".join(
            f'<sheet name={quoteattr(name)} sheetId="{n}" r:id="rId{n}"/>'
            for n, name in enumerate(self.sheets, start=1)
        )
        self.zip.writestr(
            "xl/workbook.xml",
            (
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<workbook xmlns="{_MAIN_NS}" xmlns:r="{_REL_NS}"><sheets>{sheets}</sheets></workbook>'
            ),
        )
        links = "".join(
            f'<Relationship Id="rId{n}" Type="{_REL_NS}/worksheet" Target="worksheets/sheet{n}.xml"/>'
            for n in range(1, count + 1)
        )
        self.zip.writestr(
            "xl/_rels/workbook.xml.rels",
            (
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{_PKG_REL_NS}">'
                f'{links}<Relationship Id="rId{count + 1}" Type="{_REL_NS}/styles" Target="styles.xml"/>'
                "</Relationships>"
            ),
        )
        self.zip.writestr("xl/styles.xml", STYLES)
