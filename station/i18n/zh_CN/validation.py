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
}
