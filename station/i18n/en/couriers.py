"""English: courier rate cards, freight collect (到付), sending parcels (寄件), courier accounts."""

MESSAGES: dict[str, str] = {}
