"""简体中文: 输入检查、打印机故障、磁盘与数据库错误、命令行参数、配置."""

MESSAGES: dict[str, str] = {
    # 数字（金额、百分比、数量、表读数）
    "validation.number_comma": "“{text}”：不能用逗号，小数请用点，例如 {example}",
    "validation.number_space": "“{text}”：数字中间不能有空格，例如 {example}",
    "validation.number_unit": "“{text}”：金额只写一次，前面可加 ¥ 或后面加 元，例如 {example}",
    "validation.number_foreign_digit": "“{text}”：请用数字 0–9（全角也可以），例如 {example}",
    # 电话、文字、扫码
    "validation.phone_impossible": "“{text}”不可能是电话号码",
    "validation.control_char": "文字里有看不见的控制字符（{code}），请重新输入",
    "validation.scan_control": "扫码内容里有控制字符（{code}），请重新扫码或手动输入单号",
    # 打印机
    "print.fault.reset": "小票还没打完，打印机就断开了连接",
    "validation.print_layout": "小票排版超出纸宽（二维码模块太大？）{detail}",
    "validation.print_replaced": "小票 {no} 已打印；打印机没有这些字：{chars}，已印成拼音或 □",
    # 设置与配置文件
    "validation.setting_range": "“{setting}”必须在 {low} 到 {high} 之间（现在是 {value}）",
    "validation.setting_choice": "“{setting}”只能是 {choices} 之一（现在是 {value}）",
    "validation.setting_overdue_days": "“{setting}”必须是三个递增的正整数天数，例如 [3, 7, 15]（现在是 {value}）",
    "validation.config_invalid": "{file}：配置不正确",
    "validation.config_range": "{file}：“{setting}”必须在 {low} 到 {high} 之间（现在是 {value}）",
    "validation.config_unreadable": "{file}：不是可读的 TOML 文件：{detail}",
    "validation.config_not_table": "{file}：[{section}] 必须是一个表",
    "validation.config_unknown_key": "{file}：未知的设置项“{setting}”",
    "validation.config_unknown_section": "{file}：未知的段 [{section}]",
    "validation.config_type": "{file}：“{setting}”的类型必须是 {kind}",
    "validation.config_keys": "{file}：[keys] 段把操作编号对应到按键名",
    "validation.config_write": "无法把设置保存到 {file}：{detail}",
    "validation.config_choice": "{file}：“{setting}”只能是 {choices} 之一（现在是 {value}）",
    "validation.config_overdue_days": "{file}：“{setting}”必须是三个递增的正整数天数，例如 [3, 7, 15]（现在是 {value}）",
    # 磁盘与数据库
    "validation.db_io_error": "磁盘读写出错（disk I/O error），没有保存任何内容。请检查硬盘或 U 盘后重试",
    "validation.db_corrupt": "数据库文件已损坏，没有保存任何内容。请恢复最近的备份（station restore）",
    "validation.db_cannot_open": "无法打开数据库文件，请检查数据目录及其权限",
    "validation.not_writable": "无法写入 {path}（没有权限或只读），没有保存任何内容",
    "validation.path_problem": "无法使用 {path}：它不存在，或者该是文件夹的地方是个文件（或反过来）",
    "validation.unexpected": "意外错误（{kind}），没有继续操作。详细信息已写入日志：{log}",
    # 命令行参数
    "validation.home_is_file": "--home {path} 是一个文件，请给出数据文件夹",
    "validation.out_is_file": "--out {path} 是一个文件，请给出新的或空的文件夹",
    "validation.out_is_dir": "--out {path} 是一个文件夹，请给出文件名",
    "validation.out_no_folder": "--out {path}：所在的文件夹不存在",
    "validation.not_a_folder": "{path} 不是导出文件夹",
}
