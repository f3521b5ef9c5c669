"""The export's workbook checked against its CSV files by structure, streamed: the zip opens
and every sheet inflates with a good CRC, each table has its sheet, the sheet's header row
is the table's header and it holds exactly one row per CSV row (counted, and the last row's
number). Memory is flat (1 MiB at a time); the time is what zlib takes to inflate.

The workbook's bytes are covered by the SHA-256 in the manifest; reading every cell back
and comparing it with the CSV is `verify --deep`."""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from xml.etree import ElementTree
from xml.sax.saxutils import unescape

CHUNK = 1 << 20
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_ROW = b"<row "
_ROW_NUMBER = re.compile(rb'<row r="(\d+)"')
_FIRST_ROW = re.compile(rb"<row[^>]*>(.*?)</row>", re.S)
_TEXT = re.compile(rb"<t[^>]*>(.*?)</t>|<v>(.*?)</v>", re.S)
_EXCEL_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")

Problem = tuple[str, dict]


def _sheet_members(book: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → zip member, from xl/workbook.xml and its relationships."""
    workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter(_PKG_REL + "Relationship")}
    members = {}
    for sheet in workbook.iter(_MAIN + "sheet"):
        target = targets.get(sheet.get(_REL + "id"), "")
        members[sheet.get("name", "")] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    return members


def _cell_text(raw: bytes) -> str:
    text = unescape(raw.decode("utf-8"), {"&quot;": '"', "&apos;": "'"})
    return _EXCEL_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def _scan(book: zipfile.ZipFile, member: str) -> tuple[int, int, list[str]]:
    """(rows counted, the last row's number, the first row's cell texts), in one streamed pass."""
    rows, head, tail, last_tag = 0, b"", b"", b""
    with book.open(member) as handle:
        while chunk := handle.read(CHUNK):
            if len(head) < 1 << 16:
                head += chunk[: (1 << 16) - len(head)]
            seam = tail + chunk[:64]  # a tag split across chunks: counted here, once
            rows += chunk.count(_ROW) + seam.count(_ROW) - tail.count(_ROW) - chunk[:64].count(_ROW)
            at = chunk.rfind(_ROW)
            if at >= 0:
                last_tag = chunk[at : at + 32]  # may be cut short: completed from the next chunk
            elif (at := seam.rfind(_ROW)) >= 0:
                last_tag = seam[at : at + 32]
            elif last_tag and not last_tag.endswith(b">"):
                last_tag += chunk[:32]
            tail = (tail + chunk)[-64:] if len(chunk) < 64 else chunk[-64:]
    number = _ROW_NUMBER.match(last_tag)
    last = int(number.group(1)) if number else 0
    first = _FIRST_ROW.search(head)
    header = [_cell_text(t or v) for t, v in _TEXT.findall(first.group(1))] if first else []
    return rows, last, header


def check_workbook_structure(
    path: Path, tables: Mapping[str, tuple[Sequence[str], int | None]], allowed: Sequence[str] | None = None
) -> list[Problem]:
    """`tables`: sheet name → (header, data rows in its CSV; None: only that the sheet is
    there). `allowed`: the sheets the workbook may have (any other is named)."""
    try:
        with zipfile.ZipFile(path) as book:
            members = _sheet_members(book)
            problems: list[Problem] = []
            if allowed is not None:
                problems += [("verify.extra_sheet", {"sheet": n}) for n in sorted(members.keys() - set(allowed))]
            for name, (header, count) in tables.items():
                member = members.get(name)
                if member is None or member not in book.NameToInfo:
                    problems.append(("verify.missing_sheet", {"sheet": name}))
                    continue
                if count is None:
                    continue
                rows, last, found = _scan(book, member)
                if found != list(header):
                    problems.append(("verify.sheet_cell", {"sheet": name, "row": 1}))
                elif rows != count + 1 or last != count + 1:
                    problems.append(("verify.sheet_rows", {"sheet": name}))
            return problems
    except (zipfile.BadZipFile, zlib.error, KeyError, ElementTree.ParseError, EOFError, UnicodeDecodeError) as error:
        return [("verify.bad_workbook", {"detail": type(error).__name__})]
