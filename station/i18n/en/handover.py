"""English: F2 hand-over payment, confirmation naming recipients, ticks, check-in row fixes."""

MESSAGES: dict[str, str] = {}
