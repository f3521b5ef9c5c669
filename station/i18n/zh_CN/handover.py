"""简体中文: F2 交件收款、交件确认、勾选、入库逐行修改."""

MESSAGES: dict[str, str] = {}
