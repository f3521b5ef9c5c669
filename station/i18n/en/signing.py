"""English: station keys, signed exports, county enrolment, anchoring and receipt checks."""

MESSAGES: dict[str, str] = {}
