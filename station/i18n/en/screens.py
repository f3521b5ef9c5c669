"""English: keys, palette, Textual's own texts, operators screen, order edits, complaint links."""

MESSAGES: dict[str, str] = {}
