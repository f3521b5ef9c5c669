"""简体中文: F2 交件收款、交件确认、勾选、入库逐行修改."""

MESSAGES: dict[str, str] = {
    # charges at hand-over
    "handover.line.holding_fee": "超期保管费 {code}",
    "handover.line.purchase": "代购订单 #{no} 尾款",
    "handover.order_not_arrived": "代购订单 #{no} 还是“{status_key}”，不能随包裹交出：请先到 F3 处理该订单",
    "handover.order_in_f3": "包裹关联代购订单 #{no}：请到 F3 交货收款",
    "handover.unknown_charge": "未知的收费项目：{kind}",
    "handover.payment_due": "还需收款 {due_fen}，收款后才能交出；或先到 F3 处理订单",
    "handover.amount_mismatch": "收款 {paid_fen} 与应收 {due_fen} 不符：请按应收金额收款，或先到 F3 处理订单",
    "handover.several_people_unconfirmed": "这些包裹属于不同的人，需要再确认一次才能一起交出",
    "handover.undo_has_order": "包裹 {code} 随代购订单 #{no} 一起交出并已收款，不能在这里撤销：请到 F3/F8 处理",
    "pickup.method.order": "随代购订单交货",
    # the dialog
    "handover.confirm": "交给 {names}：{codes}，共 {n} 件",
    "handover.ticked_only": "（只交出勾选的包裹）",
    "handover.cursor_only": "（未勾选：只交出光标所在的一件）",
    "handover.charge_line": "  {label}：{amount_fen}",
    "handover.charge_total": "应收合计 {amount_fen}",
    "handover.amount": "收款金额（应收 {due_fen}）",
    "handover.several_people": "注意：这 {n} 件属于不同的人：{names}。确定一起交出？",
    "handover.done_paid": "已交付 {n} 件：{codes}；已收 {amount_fen}",
    "handover.ticked": "已勾选 {n} 件 · 空格勾选/取消 · Ctrl+A 全选/全不选",
    # undo
    "handover.undo_pick_title": "撤销今天的交付：选择包裹",
    "handover.undo_filter": "取件码、姓名或尾号",
    "handover.undo_pick_hint": "输入筛选 · ↓ 到列表 · 回车选择 · Esc 取消",
    "handover.undo_none_today": "今天没有符合的交付记录",
    "handover.undo_confirm": "撤销交付 {code}（{name}）",
    "handover.col_at": "交付时间",
    # check-in
    "handover.recipient_for": "{code} 的收件人：手机号、尾号 4 位、姓名或拼音首字母，回车保存",
    "handover.add_villager": "“{text}”不在村民名录里：新增村民并设为 {code} 的收件人？",
    "handover.claimed_beside": "快递员说的件数（本批已扫 {n} 件）",
    "handover.resume_batch": "上次有一批入库没有结束：货架 {shelf} 第 {layer} 层，已扫 {n} 件（快递员 {courier}）。继续扫这一批？（n：现在核对件数结束它）",
    "handover.notify_needs_recipient": "{n} 件没有收件人，不能登记通知：{codes}",
    "handover.notify_without_recipient": "其中 {n} 件没有收件人（标 ⚠），要先在入库时填上收件人才能登记通知",
    "handover.no_recipient_mark": "⚠ 无收件人",
    # returns
    "handover.return_count_invalid": "请输入退回的件数（数字）",
    "handover.fee_in_f2": "包裹 {code} 还有保管费 {amount_fen} 未收：请在 F2 交付它，连保管费一起收",
}
