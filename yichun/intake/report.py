"""The Chinese text report of an ingest run: files, rows per county and year, problems by kind."""

from __future__ import annotations

import pandas as pd

from yichun.errors import ERROR, WARNING, Problem


def counts_table(inputs) -> pd.DataFrame:
    """Schools and kindergartens per county (rows) and year (columns), as "学校/幼儿园" text."""
    parts = []
    for table, label in (("schools", "学校"), ("kindergartens", "幼儿园")):
        frame = getattr(inputs, table)
        if frame is not None and not frame.empty:
            parts.append(frame.groupby(["county", "year"]).size().rename(label))
    if not parts:
        return pd.DataFrame()
    both = pd.concat(parts, axis=1).fillna(0).astype(int)
    for label in ("学校", "幼儿园"):
        if label not in both:
            both[label] = 0
    text = both["学校"].astype(str) + "/" + both["幼儿园"].astype(str)
    table = text.unstack("year").fillna("—")
    table.index.name = "县(市、区)"
    table.columns = [f"{y}年" for y in table.columns]
    return table


def problem_line(row) -> str:
    p = Problem.from_record(row)
    return str(p)


def render(result, examples: int = 3) -> str:
    lines = [f"读取文件夹：{result.raw_dir}"]
    n = len(result.files)
    if result.unchanged:
        lines.append(f"工作簿 {n} 个，自上次导入以来均未改动：沿用 {result.out_dir} 中的结果，未重新读取任何文件。")
    else:
        lines.append(f"工作簿 {n} 个：本次读取 {len(result.files_read)} 个，沿用缓存 {len(result.files_cached)} 个，拒绝 {len(result.files_skipped)} 个。")
    for file, reason in result.files_skipped:
        lines.append(f"  拒绝 {file}：{reason}")
    if getattr(result, "files_other", None):
        lines.append(f"其他文件 {len(result.files_other)} 个，未读取：")
        for file, reason in result.files_other:
            lines.append(f"  {file}：{reason}")
    table = counts_table(result.inputs)
    if not table.empty:
        lines.append("")
        lines.append("各县(市、区)各年度的学校数/幼儿园数：")
        lines.append(table.to_string())
    problems = result.problems
    q = result.inputs.quarantine
    lines.append("")
    lines.append(f"问题：错误 {result.n_errors} 个，警告 {result.n_warnings} 个。" + (f" 含错误的 {len(q)} 行已隔离，未计入数据表。" if q is not None and len(q) else ""))
    for severity in (ERROR, WARNING):
        sub = problems[problems["severity"] == severity] if not problems.empty else problems
        if sub.empty:
            continue
        for kind, group in sorted(sub.groupby("kind", sort=False), key=lambda kv: -len(kv[1])):
            lines.append(f"【{severity}】{kind}（{len(group)} 个）")
            for _, row in group.head(examples).iterrows():
                lines.append(f"  · {problem_line(row)}")
            if len(group) > examples:
                lines.append(f"  ……另有 {len(group) - examples} 个")
    lines.append("")
    if result.written:
        lines.append(f"已写入 {result.out_dir}：" + "，".join(f"{t} {len(getattr(result.inputs, t)):,} 行" for t in ("schools", "kindergartens", "townships", "county_inputs", "population", "plans")) + "。")
    elif not result.ok:
        lines.append(f"存在 {result.n_errors} 个错误：未写入任何数据表，{result.out_dir} 中上次的结果保持不变。请改正后重新运行 yichun ingest。")
    lines.append(f"用时 {result.seconds:.1f} 秒。")
    return "\n".join(lines)
