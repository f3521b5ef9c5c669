import pytest

from station.domain.recipients import RecipientText, read_recipient


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("", RecipientText("empty")),
        ("13900005678", RecipientText("phone", phone="13900005678")),
        ("５６７８", RecipientText("phone", phone="5678")),
        ("139 0000 5678", RecipientText("phone", phone="13900005678")),
        ("王五 13512340000", RecipientText("name_phone", name="王五", phone="13512340000")),
        ("王五13512340000", RecipientText("name_phone", name="王五", phone="13512340000")),
        ("13512340000 王五", RecipientText("name_phone", name="王五", phone="13512340000")),
        ("zay", RecipientText("name", name="zay")),
        ("李  大爷", RecipientText("name", name="李 大爷")),
    ],
)
def test_what_is_typed_at_check_in_is_read_into_its_parts(typed, expected):
    assert read_recipient(typed) == expected
