"""Issue 17: the one number parser, phones, names/free text, PINs and scans — table-driven."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from station.domain.commission import parse_percent_bp
from station.domain.errors import InvalidInput
from station.domain.money import parse_yuan
from station.domain.phones import parse_phone
from station.domain.pins import check_pin, hash_pin, normalise_pin, parse_pin
from station.domain.scan import clean_scan
from station.domain.tariffs import parse_quantity, parse_rate
from station.domain.text import clean_name, clean_text

ARABIC_12 = "\u0661\u0662"  # ١٢
DEVANAGARI_5 = "\u096b"


@pytest.mark.parametrize(
    "text, fen",
    [
        ("１２．５０", 1250),
        ("￥12.5", 1250),
        ("¥12.5", 1250),
        ("12.5元", 1250),
        ("￥ 12.50 元", 1250),
        ("  12  ", 1200),
        ("12。5", 1250),
    ],
)
def test_money_forms_that_stay_accepted(text, fen):
    assert parse_yuan(text) == fen


@pytest.mark.parametrize(
    "text, key",
    [
        ("12,50", "validation.number_comma"),
        ("12，50", "validation.number_comma"),  # the full-width comma a Chinese IME types
        ("1,250", "validation.number_comma"),
        ("12元5", "validation.number_unit"),
        ("¥12元5", "validation.number_unit"),
        ("12元元", "validation.number_unit"),
        ("¥¥12", "validation.number_unit"),
        ("12 50", "validation.number_space"),
        ("1 2.5", "validation.number_space"),
        ("12\u30005", "validation.number_space"),
        (ARABIC_12, "validation.number_foreign_digit"),
        ("1" + DEVANAGARI_5, "validation.number_foreign_digit"),
        ("²", "validation.number_foreign_digit"),
        ("①", "validation.number_foreign_digit"),
        ("十二", "money.not_a_number"),
        ("12.5.", "money.not_a_number"),
        ("12\x00", "money.not_a_number"),
    ],
)
def test_money_forms_refused_with_an_example(text, key):
    with pytest.raises(InvalidInput) as caught:
        parse_yuan(text)
    assert caught.value.key == key
    if key.startswith("validation.number"):
        assert caught.value.values["example"] == "12.50"


@pytest.mark.parametrize(
    "parse, text, key",
    [
        (parse_percent_bp, "8,5", "validation.number_comma"),
        (parse_percent_bp, "8，5", "validation.number_comma"),
        (parse_percent_bp, "8 5", "validation.number_space"),
        (parse_percent_bp, "¥8", "consign.bad_rate"),
        (parse_quantity, "1,5", "validation.number_comma"),
        (parse_quantity, "12 3", "validation.number_space"),
        (parse_quantity, ARABIC_12, "validation.number_foreign_digit"),
        (parse_quantity, "-3", "utility.bad_reading"),
        (parse_quantity, "12元", "utility.bad_reading"),
        (parse_rate, "0,4883", "validation.number_comma"),
    ],
)
def test_percent_quantity_reading_share_the_parser(parse, text, key):
    with pytest.raises(InvalidInput) as caught:
        parse(text)
    assert caught.value.key == key


def test_percent_quantity_accepted_forms():
    assert parse_percent_bp("8.5") == 850
    assert parse_percent_bp("８．５%") == 850
    assert parse_quantity("１２３４．５") == 1234500
    assert parse_rate("0.4883") == 4883


@pytest.mark.parametrize(
    "text, phone",
    [
        ("138-0013-8000", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("１３８ ００１３ ８０００", "13800138000"),
        ("+86 138-0013-8000", "13800138000"),
        ("0571-88886666", "0571-88886666"),
        ("0571 88886666", "057188886666"),
    ],
)
def test_phones_normalised(text, phone):
    assert parse_phone(text) == phone


@pytest.mark.parametrize(
    "text, key",
    [
        ("00000000000", "validation.phone_impossible"),
        ("000-00000000", "validation.phone_impossible"),
        ("0000-0000000", "validation.phone_impossible"),
        ("0571-08886666", "phone.invalid"),  # a local number never starts with 0
        ("12345678901", "phone.invalid"),
        ("1" + "\u0663" * 10, "phone.invalid"),  # Arabic-Indic digits
        ("138001380001", "phone.invalid"),
    ],
)
def test_impossible_phones_refused(text, key):
    with pytest.raises(InvalidInput) as caught:
        parse_phone(text)
    assert caught.value.key == key


@pytest.mark.parametrize("bad", ["\x00", "\x1b", "\u200b", "\u202e", "\ufeff", "\x7f"])
def test_names_with_control_characters_refused(bad):
    with pytest.raises(InvalidInput) as caught:
        clean_name(f"张{bad}三")
    assert caught.value.key == "validation.control_char"
    assert caught.value.values["code"].startswith("U+")


def test_names_and_notes_are_bounded_and_one_line():
    assert clean_name("  王\t秀\n英 ") == "王 秀 英"
    assert clean_name("𠮷野家") == "𠮷野家"  # rare characters stay allowed in names
    assert clean_name("x" * 40) == "x" * 40
    with pytest.raises(InvalidInput) as caught:
        clean_name("x" * 41)
    assert caught.value.key == "error.too_long" and caught.value.values["max"] == 40
    assert len(clean_text("n" * 500)) == 500
    with pytest.raises(InvalidInput):
        clean_text("n" * 501)
    with pytest.raises(InvalidInput) as caught:
        clean_name("  ", required_key="villagers.name_required")
    assert caught.value.key == "villagers.name_required"


def test_full_width_pin_same_at_setup_and_login():
    stored = hash_pin(parse_pin("１２３４"))
    assert check_pin(normalise_pin("1234"), stored)
    assert check_pin(normalise_pin("１２３４"), stored)
    with pytest.raises(InvalidInput):
        parse_pin(ARABIC_12 * 2)


@pytest.mark.parametrize(
    "raw, cleaned",
    [
        ("SF1234567890\r\n", "SF1234567890"),
        ("SF1234567890\t", "SF1234567890"),
        ("SF1234567890\r", "SF1234567890"),
        ("\nYT9876543210\n", "YT9876543210"),
        ("ｓｆ１２３４５６７８９０", "SF1234567890"),
    ],
)
def test_scanner_line_endings_stripped(raw, cleaned):
    assert clean_scan(raw) == cleaned


@pytest.mark.parametrize("raw", ["SF1234\x00567890", "SF1234\x03567890", "SF12\u200b34567890", "SF1234\x1b[0m"])
def test_control_characters_inside_a_scan_refused(raw):
    with pytest.raises(InvalidInput) as caught:
        clean_scan(raw)
    assert caught.value.key == "validation.scan_control"


@given(st.text(alphabet="0123456789.,，元¥￥ -+%０１２３４５６７８９．\u0661\u0662", max_size=12))
def test_the_parser_never_reads_a_comma_or_a_second_unit_as_an_amount(text):
    try:
        fen = parse_yuan(text)
    except InvalidInput:
        return
    assert "," not in text and "，" not in text
    assert text.count("元") + text.count("¥") + text.count("￥") <= 2
    assert not any(ch in text for ch in "\u0661\u0662")
    digits = unicodedata.normalize("NFKC", text).strip().lstrip("¥").rstrip("元").strip().lstrip("+")
    assert " " not in digits
    assert fen == round(float(digits or 0) * 100)


def test_a_lone_surrogate_is_a_message_not_a_crash():
    """Undecodable terminal bytes arrive as lone surrogates; SQLite cannot store them."""
    from station.domain.money import normalise_number_text

    assert normalise_number_text("13\udcff8") == "138"
    assert normalise_pin("12\ud80034") == "12?34"
    with pytest.raises(InvalidInput) as caught:
        clean_scan("SF1234\udcff567890")
    assert caught.value.key == "validation.scan_control"
    with pytest.raises(InvalidInput) as caught:
        clean_name("张\ud800三")
    assert caught.value.key == "validation.control_char"


def test_one_count_parser_for_the_counter():
    import pytest

    from station.domain.errors import InvalidInput
    from station.domain.text import parse_count

    assert parse_count(" 12 ") == 12 and parse_count("0") == 0
    for bad in ("", "-1", "1.5", "十", "１２", "3 4"):
        with pytest.raises(InvalidInput) as refused:
            parse_count(bad)
        assert refused.value.key == "count.not_a_number"
