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
    # settings and the config file
    "validation.setting_range": "'{setting}' must be between {low} and {high} (it is {value})",
    "validation.setting_choice": "'{setting}' must be one of {choices} (it is {value})",
    "validation.setting_overdue_days": "'{setting}' must be three increasing positive whole numbers of days, e.g. [3, 7, 15] (it is {value})",
    "validation.config_invalid": "{file}: the configuration is not valid",
    "validation.config_range": "{file}: '{setting}' must be between {low} and {high} (it is {value})",
    "validation.config_unreadable": "{file}: not a readable TOML file: {detail}",
    "validation.config_not_table": "{file}: [{section}] must be a table",
    "validation.config_unknown_key": "{file}: unknown key '{setting}'",
    "validation.config_unknown_section": "{file}: unknown section [{section}]",
    "validation.config_type": "{file}: '{setting}' must be {kind}",
    "validation.config_keys": "{file}: [keys] maps binding ids to key names",
    "validation.config_write": "Could not save the settings to {file}: {detail}",
    "validation.config_choice": "{file}: '{setting}' must be one of {choices} (it is {value})",
    "validation.config_overdue_days": "{file}: '{setting}' must be three increasing positive whole numbers of days, e.g. [3, 7, 15] (it is {value})",
    # disk and database
    "validation.db_io_error": "The disk reported a read/write error (disk I/O error); nothing was saved. Check the disk or USB stick and try again",
    "validation.db_corrupt": "The database file is damaged; nothing was saved. Restore the latest backup (station restore)",
    "validation.db_cannot_open": "The database file cannot be opened; check the data folder and its permissions",
    "validation.not_writable": "Cannot write to {path} (no permission or read-only); nothing was saved",
    "validation.path_problem": "Cannot use {path}: it is missing, or a file where a folder is expected (or the other way round)",
    "validation.unexpected": "Unexpected error ({kind}); nothing more was done. The details are in the log: {log}",
    # command-line arguments
    "validation.home_is_file": "--home {path} is a file; give a folder for the data",
    "validation.out_is_file": "--out {path} is a file; give a new or empty folder",
    "validation.out_is_dir": "--out {path} is a folder; give a file name",
    "validation.out_no_folder": "--out {path}: its folder does not exist",
    "validation.not_a_folder": "{path} is not an export folder",
}
