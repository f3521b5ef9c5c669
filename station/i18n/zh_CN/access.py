"""简体中文: 权限、命令行登录、PIN 与锁定."""

MESSAGES: dict[str, str] = {}
