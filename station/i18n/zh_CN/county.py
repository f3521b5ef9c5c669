"""简体中文: 县级批量载入与报表."""

MESSAGES: dict[str, str] = {
    "county.jobs_not_positive": "--jobs {jobs}：请给出同时导入几个文件夹，至少 1 个",
    "county.db_failed": "导入 {code} {period} 时数据库出错（{detail}）：它的数据一行也没有导入",
    "county.load_process_died": "导入 {code} {period} 的进程中途停止，没来得及报告结果：请把同一批再导入一次"
    "（已导入的会保留，显示为未变）",
    "county.not_loaded_after_failure": "{code} {period} 没有导入：本批中 {code} 更早的月份导入失败",
    "county.no_db": "{path} 没有县级数据库（请检查 --db 路径；county enrol 和 county load 会创建它）",
    "county.loaded_accepted": "已导入 {code} {period}（本会被拒绝：按 --replace 接受，原因已记入县级数据库）",
    "county.db_unreachable": "连不上县里的 PostgreSQL 数据库：服务器是否在运行？--db 里的套接字目录、用户名和库名是否正确？",
    "county.changed_while_loading": "文件 {file} 在校验之后被改动：{code} {period} 的数据一行也没有导入",
    "county.rows_differ": "文件 {file} 导入时读出 {loaded} 行，校验时是 {listed} 行：{code} {period} 的数据一行也没有导入",
    "county.copy_refused": "PostgreSQL 读 {file} 与校验时读法不同（{detail}）：{code} {period} 的数据一行也没有导入",
    "county.total_differs": "{file}：id 为 {id} 的行，{column} 与各项之和不符：{code} {period} 的数据一行也没有导入",
    "county.missing_id": "{file}：有一行没有 id（站点导出的每一行都有）：{code} {period} 的数据一行也没有导入",
    "county.duplicate_id": "{file}：有两行的 id 都是 {id}：{code} {period} 的数据一行也没有导入",
    "county.key_enrolled_elsewhere": "指纹为 {fingerprint} 的公钥已登记给 {other}，不能再登记给 {code}（请核对是哪个服务站念的公钥；若是先前登记错了编号，请加 --reason 说明原因）",
    "county.not_a_db": "{path} 不是县级数据库（请检查 --db：它指向了别的文件）",
    "county.station_db": "{path} 是服务站自己的数据库：县里的数据要放在单独的数据库里（请检查 --db）",
}
