import pytest

from station.domain.errors import InvalidInput
from station.domain.hashing import GENESIS, chain_hash, find_break
from station.domain.phones import mask_name, mask_phone, parse_phone, parse_phone_tail
from station.domain.pins import check_pin, hash_pin, parse_pin


def test_pin_hash_is_salted_scrypt_and_checks():
    first, second = hash_pin("1234"), hash_pin("1234")
    assert first.startswith("scrypt$") and first != second
    assert check_pin("1234", first) and check_pin("1234", second)
    assert not check_pin("1235", first)
    assert "1234" not in first


@pytest.mark.parametrize("pin", ["123", "123456789", "12a4", "", "    "])
def test_bad_pins_are_refused(pin):
    with pytest.raises(InvalidInput):
        parse_pin(pin)


def test_full_width_pin_is_accepted():
    assert parse_pin("１２３４") == "1234"


@pytest.mark.parametrize(
    "text, phone",
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("+86 13812345678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("0571-88889999", "0571-88889999"),
        ("057188889999", "057188889999"),
    ],
)
def test_phone_numbers(text, phone):
    assert parse_phone(text) == phone


@pytest.mark.parametrize("text", ["12812345678", "1381234567", "abc", "138123456789", "5678"])
def test_bad_phone_numbers(text):
    with pytest.raises(InvalidInput) as caught:
        parse_phone(text)
    assert caught.value.key == "phone.invalid"


def test_phone_tail():
    assert parse_phone_tail("５６７８") == "5678"
    with pytest.raises(InvalidInput):
        parse_phone_tail("567")


def test_masking():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧***"
    assert mask_phone("0571-88889999") == "05*********99"


def test_find_break_points_at_the_altered_entry():
    entries, prev = [], GENESIS
    for i in range(1, 6):
        fields = {"id": i, "amount_fen": i * 100}
        h = chain_hash(prev, fields)
        entries.append((i, prev, h, fields))
        prev = h
    assert find_break(entries) is None
    altered = list(entries)
    i, p, h, f = altered[2]
    altered[2] = (i, p, h, {**f, "amount_fen": 1})
    assert find_break(altered).entry_id == 3
    assert find_break(altered).reason == "hash"
    dropped = entries[:2] + entries[3:]
    assert find_break(dropped).entry_id == 4
    assert find_break(dropped).reason == "prev_hash"
