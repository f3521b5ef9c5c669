"""简体中文: 快捷键、命令面板、Textual 自带文字、操作员管理、订单修改、投诉关联."""

MESSAGES: dict[str, str] = {}
