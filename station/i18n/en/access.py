"""English: permissions, CLI log-in, PIN hashing and lockout."""

MESSAGES: dict[str, str] = {}
