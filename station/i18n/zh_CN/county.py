"""简体中文: 县级批量载入与报表."""

MESSAGES: dict[str, str] = {}
