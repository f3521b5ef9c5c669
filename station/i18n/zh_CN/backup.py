"""简体中文: 备份、恢复与 station check."""

MESSAGES: dict[str, str] = {}
