"""English: typed-input checks, printer faults, disk and database errors, CLI arguments, config."""

MESSAGES: dict[str, str] = {
    # typed numbers (money, percent, quantities, meter readings)
    "validation.number_comma": '"{text}": no commas — write the number with a point, e.g. {example}',
    "validation.number_space": '"{text}": no spaces inside the number, e.g. {example}',
    "validation.number_unit": '"{text}": write the amount once, ¥ before or 元 after at most, e.g. {example}',
    "validation.number_foreign_digit": '"{text}": use the digits 0–9 (full-width is fine), e.g. {example}',
    # phones, text, scans
    "validation.phone_impossible": '"{text}" cannot be a phone number',
    "validation.control_char": "The text contains an invisible control character ({code}); please retype it",
    "validation.scan_control": "The scan contains a control character ({code}); scan again or type the number",
    # printer
    "print.fault.reset": "The printer dropped the connection before the receipt was finished",
    "validation.print_layout": "The receipt does not fit this paper width (QR module too large?) {detail}",
    "validation.print_replaced": "Receipt {no} printed; the printer lacks {chars}: printed as pinyin or □",
}
