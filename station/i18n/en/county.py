"""English: county load and report at scale."""

MESSAGES: dict[str, str] = {}
