"""English: backup, restore and `station check`."""

MESSAGES: dict[str, str] = {}
