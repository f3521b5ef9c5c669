"""Receipt documents: the common header and footer every receipt carries."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from station.i18n.translator import Translator
from station.printing.layout import Blank, Qr, Receipt, Row, Rule, Text


@dataclass(frozen=True)
class ReceiptContext:
    """What every receipt header shows."""

    station_name: str
    station_code: str
    receipt_no: str
    at: dt.datetime
    operator_name: str


_POSTING_HASH = re.compile(r"^[0-9a-f]{64}$")


def qr_payload(station_code: str, receipt_no: str, proof: str, amount_fen: int | None = None) -> str:
    """Short ASCII the county can check. A money receipt (`amount_fen` and its posting's chained
    hash as `proof`): `CODE/NO/AMOUNT_FEN/HASH24` — the signed export commits that hash, so
    `station county check-receipt` proves the posting is there with this amount. Otherwise
    `CODE/NO/HASH10`."""
    if amount_fen is not None and _POSTING_HASH.match(proof):
        return f"{station_code}/{receipt_no}/{amount_fen}/{proof[:24]}"
    digest = proof if len(proof) == 64 else hashlib.sha256(proof.encode("utf-8")).hexdigest()
    return f"{station_code}/{receipt_no}/{digest[:10]}"


def build_receipt(
    t: Translator,
    kind: str,
    ctx: ReceiptContext,
    body: Iterable,
    *,
    proof: str,
    footer_key: str = "receipt.footer",
    signature: bool = False,
    amount_fen: int | None = None,
) -> Receipt:
    """Header (station, title, number, time, operator) + body + signature + QR + footer."""
    elements: list = [
        Text(ctx.station_name, "center", bold=True, double=True),
        Text(t("receipt.station_code", code=ctx.station_code), "center"),
        Text(t(f"receipt.title.{kind}"), "center", bold=True),
        Rule(),
        Row(t("receipt.no"), ctx.receipt_no),
        Row(t("receipt.time"), ctx.at.strftime("%Y-%m-%d %H:%M:%S")),
        Row(t("receipt.operator"), ctx.operator_name),
        Rule(),
        *body,
        Rule(),
    ]
    if signature:
        elements += [Blank(), Text(t("receipt.signature")), Blank(), Rule("_")]
    elements += [
        Qr(qr_payload(ctx.station_code, ctx.receipt_no, proof, amount_fen)),
        Text(t(footer_key), "center"),
        Blank(),
    ]
    return Receipt(kind, ctx.receipt_no, tuple(elements))


def with_reprint_banner(t: Translator, receipt: Receipt) -> Receipt:
    banner = Text(t("print.reprint_banner"), "center", bold=True, double=True)
    return Receipt(receipt.kind, receipt.receipt_no, (banner, *receipt.elements, banner))


def test_page(t: Translator, ctx: ReceiptContext, columns: int) -> Receipt:
    ruler = "".join(str(i % 10) for i in range(1, columns + 1))
    body = [
        Text(t("print.test_chinese")),
        Text(t("print.test_columns", n=columns)),
        Text(ruler),
        Row(t("print.test_amount"), "¥12.50"),
        Text(t("print.test_double"), "center", double=True),
    ]
    return build_receipt(t, "test", ctx, body, proof=ctx.receipt_no)
