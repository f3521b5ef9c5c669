"""English: typed-input checks, printer faults, disk and database errors, CLI arguments, config."""

MESSAGES: dict[str, str] = {}
