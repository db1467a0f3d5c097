"""The briefing page in parts (概况, 状态, 差距, 投入与行动) as the notebook shows it."""

from __future__ import annotations

import pandas as pd

from yichun.briefing.content import (
    PARTS,
    SOON_YEARS,
    TRACK_SHORT,
    _join,
    city_headlines,
    code_name,
    codes_in,
    county_headlines,
    is_past,
    school_rule_text,
    school_shares,
    scope_text,
    unit_counts,
    worst_indicator,
)
from yichun.briefing.figures import city_figures, county_figures, fan_choice, save_figures
from yichun.briefing.tables import (
    code_legend,
    county_status_table,
    county_table,
    due_soon_table,
    html_table,
    schools_table,
    unmet_items_table,
)

# ----------------------------------------------------------------------------- the briefing in parts

def problem_list_name(county: str) -> str:
    """The file name of a county's 问题清单 workbook (next to its briefing)."""
    return f"{county}问题清单.xlsx"


def briefing_name(county: str | None) -> str:
    """The file stem of a briefing: 全市简报 or <县名>简报."""
    return "全市简报" if county is None else f"{county}简报"


class Briefing:
    """The city briefing (county=None) or one county's, as parts of displayable blocks."""

    def __init__(self, data, county: str | None = None, figures: dict | None = None, *, shared_js: bool = False):
        from yichun.counties import normalize_county

        self.data = data
        self.county = None if county is None else normalize_county(county)
        if self.county is not None and self.county not in data.counties:
            from yichun.errors import YichunError

            raise YichunError(f"{data.year} 年的数据中没有{self.county}（有：{_join(data.counties)}）")
        if figures is None:
            figures = city_figures(data) if self.county is None else county_figures(data, self.county)
            if shared_js and getattr(data, "figure_dir", None):  # under `yichun brief`: each chart is built once
                save_figures(figures, data.figure_dir, briefing_name(self.county))
        self.figures = figures
        self.shared_js = bool(shared_js)  # True under `yichun brief`: charts as HTML using the page's one plotly.js
        self.headlines = city_headlines(data) if self.county is None else county_headlines(data, self.county)

    @property
    def title(self) -> str:
        from yichun.region import active_region

        who = active_region().name if self.county is None else self.county
        return f"{who}县域义务教育优质均衡发展和学前教育普及普惠工作简报"

    def blocks(self, part: str) -> list:
        if part not in PARTS:
            raise KeyError(f"简报没有「{part}」部分（有：{_join(PARTS)}）")
        method = {"概况": self._overview, "状态": self._status, "差距": self._gaps, "投入与行动": self._actions}[part]
        return method()

    def show(self, part: str) -> None:
        """Display one part in the notebook (Markdown, interactive figures, HTML tables)."""
        from IPython.display import HTML, Markdown, display

        for block in self.blocks(part):
            if isinstance(block, str):
                display(Markdown(block))
            elif isinstance(block, pd.DataFrame):
                display(HTML(html_table(block)))
            elif hasattr(block, "to_plotly_json"):
                self._show_figure(block)
            else:
                display(block)

    def _show_figure(self, fig) -> None:
        from IPython.display import HTML, display

        from yichun.charts import web

        name = next((k for k, f in self.figures.items() if f is fig), None)
        if self.shared_js:
            display(HTML(web.figure_html(fig, name)))
        else:
            fig.show(config=web.config(name))

    def _fig(self, key: str) -> list:
        return [self.figures[key]] if key in self.figures else []

    # parts ------------------------------------------------------------------------------------------
    def _overview(self) -> list:
        d = self.data
        if self.county is None:
            question = ("各县(市、区)是否已达到县域义务教育优质均衡发展和学前教育普及普惠的认定要求？"
                        f"计划在 {d.year + 1}—{d.year + SOON_YEARS} 年接受国家督导评估认定的县(市、区)能否按期通过？差距在哪里，补齐短板要投入多少？")
        else:
            question = (f"{self.county}能否按计划年份通过县域义务教育优质均衡发展和学前教育普及普惠国家督导评估认定？"
                        "差距在哪些指标、哪些学校，补齐短板要投入多少？")
        head = (f"# {self.title}\n\n**本简报回答的问题**：{question}\n\n"
                f"数据：{d.year} 年统计数据（{d.data_years[0]}—{d.data_years[-1]} 年报表）；"
                f"评估标准：{'国家标准（教督〔2017〕6号、教督〔2020〕1号）' if d.profile == 'national' else d.profile}；生成日期：{d.generated}。"
                f"\n\n{scope_text(d, self.county)}")
        return [head, "## 要点", self.headlines.markdown()]

    def _status(self) -> list:
        d = self.data
        if self.county is None:
            table = county_table(d)
            return [
                "## 达标状态与按期达标前景",
                f"按期达标预测把各县(市、区)数据按出生人口推算到 {d.to_year} 年，用同一套评估规则逐年评估：**按期可达**为低、中、高三种方案在计划年份均达标且余量充足；"
                "**有风险**为中方案达标、但其他方案不达标或余量很小；**难以按期**为中方案在计划年份仍不达标；**已过计划年份·达标 / ·未达标**为计划年份已到、按最新数据是否达到标准。",
                *self._fig("全市_状态示意图"),
                *self._fig("全市_评估计划时间轴"),
                "### 各县(市、区)一览",
                table,
                code_legend(d, [c for b in table["制约指标"] for c in codes_in(b)]),
            ]
        c = self.county
        items = unmet_items_table(d, c)
        blocks: list = ["## 达标状态与按期达标前景", county_status_table(d, c)]
        choice = fan_choice(d, c)
        if f"{c}_预测" in self.figures and choice:
            if choice["kind"] == "enrolment":
                why = "制约指标多为逐校计算的生均指标，在校生（在园幼儿）人数的变化直接影响其能否达标" if not is_past(choice["status"]) else "计划年份已到，下图为在校生（在园幼儿）人数的变化"
            else:
                why = "该指标是按期达标的主要制约"
            blocks += [f"### 按期达标预测：{TRACK_SHORT[choice['track']]}",
                       f"{why}。实线为实际值，虚线为中方案预测，阴影为低、高方案之间的区间。", self.figures[f"{c}_预测"]]
        if len(items):
            blocks += [f"### 未达标的指标（{d.year} 年数据）", items]
        else:
            blocks += [f"{d.year} 年数据中两类评估的指标均已达标。"]
        return blocks

    def _gaps(self) -> list:
        d = self.data
        if self.county is None:
            return [
                "## 差距在哪里",
                f"下面两张图每格一个结论：达标、偏紧（达标但余量不足）、未达标或缺数据，均为评估本身的结论。资源配置指标 R1—R7 按「{school_rule_text(d)}」逐校考核，"
                "偏紧指最弱的学校(学段)接近标准；差异系数按在校生加权计算，小学、初中各项分别与限值比较。",
                *self._fig("全市_义务教育指标"),
                *self._fig("全市_学前教育指标"),
                *self._fig("全市_学前教育三项指标"),
            ]
        c = self.county
        table = schools_table(d, c)
        blocks: list = ["## 差距在哪里", "### 资源配置校际差异系数", *self._fig(f"{c}_差异系数")]
        worst = worst_indicator(d, c)
        if worst:
            code, level = worst
            sh = school_shares(d, c)
            row = sh[(sh["indicator"] == code) & (sh["level"] == level)]
            short = int((row["n"] - row["met"]).sum())
            what = "达标学校最少的指标" if short else "各校均达标，余量最小的指标"
            blocks += [f"### {what}：{level}{code}「{code_name(d, code)}」", *self._fig(f"{c}_学校分布")]
        if len(table):
            gaps = unit_counts(d, c).with_gaps_text()
            blocks += [f"### 拖后腿的学校（一校一策）：{gaps}有须补齐的缺口，按未达标指标数和费用列出前 {len(table)} 所", table]
        else:
            blocks += ["### 拖后腿的学校（一校一策）", "没有须补齐缺口的学校(幼儿园)。"]
        return blocks

    def _actions(self) -> list:
        d = self.data
        if self.county is None:
            h = self.headlines.numbers
            table = due_soon_table(d)
            blocks: list = ["## 投入与行动", f"### {h['soon_years'][0]}—{h['soon_years'][1]} 年计划接受评估认定的县(市、区)"]
            blocks += [table] if len(table) else ["近两年没有计划接受评估认定的县(市、区)。"]
            from yichun.briefing import rounds

            blocks += [f"### {rounds.TITLE}", rounds.city_round_text(d)]
            table = rounds.city_round_table(d)
            if len(table):
                blocks.append(table)
            blocks.append(
                "补短板投入按单位造价估算（教师按一年人员经费，校舍和运动场按建安造价）；各县(市、区)的问题清单（Excel）与简报放在同一文件夹，"
                "据此逐项落实一校(园)一策。")
            return blocks
        c = self.county
        name = problem_list_name(c)
        blocks = ["## 投入与行动"]
        if f"{c}_达标投入" in self.figures:
            blocks += ["### 补齐短板所需投入", self.figures[f"{c}_达标投入"]]
        else:
            blocks += ["### 补齐短板所需投入", f"按 {d.year} 年数据没有需要计价的缺口。"]
        from yichun.briefing import rounds

        blocks += [f"### {rounds.TITLE}", rounds.county_round_text(d, c)]
        table = rounds.county_round_table(d, c)
        if len(table):
            blocks.append(table)
        blocks.append(f"### 问题清单\n\n{c}的问题清单逐项列出未达标指标、学校明细、缺口数量和估算费用，供制定一校(园)一策："
                      f"[{name}]({name})（与本简报在同一文件夹）。")
        return blocks
