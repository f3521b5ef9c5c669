"""简体中文: 快递价目、到付、寄件、快递往来账."""

MESSAGES: dict[str, str] = {}
