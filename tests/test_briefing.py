"""The leading-group briefing: headline numbers against the assessment frames, and `build_briefing` outputs.

Runs on the committed sample data (data/raw). The build is done once per module (the city and
one county) and once more without chromium.
"""

from __future__ import annotations

import importlib
import re
from urllib.parse import quote

import numpy as np
import pandas as pd
import pytest

from yichun.briefing import build, content
from yichun.briefing import data as bdata
from yichun.charts import format as fmt
from yichun.charts.export import ExportSkippedWarning

COUNTY = "宜丰县"
TRACKS = ("义务教育", "学前教育")


@pytest.fixture(scope="module")
def data(briefing_data):
    return briefing_data


@pytest.fixture(scope="module")
def built(briefing_build):
    return briefing_build  # conftest: the city and 宜丰县, built once per session


# ------------------------------------------------------------------------------------------ data

def test_briefing_year_is_the_latest_in_the_data(data):
    import yichun

    years = yichun.load().years()
    assert data.year == max(years)
    assert data.data_years == [y for y in years if y <= data.year]
    assert set(data.assessment.readiness["year"]) == {data.year}
    assert data.counties == [c for c in data.counties if c in set(data.status["county"])]  # every county has an outlook


def test_pickle_round_trip(data, tmp_path):
    path = bdata.save(data, tmp_path / "b.pkl")
    again = bdata.load(path)
    assert again.year == data.year
    pd.testing.assert_frame_equal(again.status, data.status)
    pd.testing.assert_frame_equal(again.assessment.bill, data.assessment.bill)
    with pytest.raises(Exception, match="简报数据文件"):
        bdata.get(path, year=data.year - 1)


# ------------------------------------------------------------------------------------------ city headlines

def test_city_headline_numbers_equal_the_assessment_frames(data):
    h = content.city_headlines(data)
    n = h.numbers
    r = data.assessment.readiness
    r = r[r["year"] == data.year]
    for track in TRACKS:
        expected = int(r.loc[r["track"] == track, "ready"].astype(bool).sum())
        assert n["ready"][track] == expected
        assert len(n["ready_counties"][track]) == expected
    st = data.status
    soon = st[st["scheduled_year"].between(data.year + 1, data.year + 2)]
    assert n["soon_total"] == len(soon)
    assert n["soon_at_risk"] == int((soon["status"] == "有风险").sum())
    assert n["soon_late"] == int((soon["status"] == "难以按期").sum())
    bill = data.assessment.bill
    assert n["bill_total_wan"] == pytest.approx(float(bill.loc[bill["year"] == data.year, "cost_wan"].sum()))
    for track in TRACKS:
        assert n["bill_by_track_wan"][track] == pytest.approx(float(bill.loc[bill["track"] == track, "cost_wan"].sum()))
    text = h.markdown()
    assert f"已达到县域义务教育优质均衡发展认定要求（A 类指标全部达标、B 类指标取得较好评价）的有 {n['ready']['义务教育']} 个" in text
    assert f"难以按期 {n['soon_late']} 项" in text
    assert fmt.money_wan(n["bill_total_wan"]) in text


def test_worst_indicators_are_the_most_often_unmet(data):
    items = data.assessment.items
    items = items[(items["year"] == data.year) & (items["klass"] == "A")]
    not_met = items[~items["met"].fillna(False).astype(bool)]
    per_code = not_met.groupby("code")["county"].nunique()
    worst = content.city_headlines(data).numbers["worst"]
    assert worst, "样例数据中应有未达标的 A 类指标"
    for code, name, k in worst:
        assert k == per_code[code]
        assert name == data.assessment.catalogue[code].name
    assert worst[0][2] == per_code.max()


# ------------------------------------------------------------------------------------------ county

def test_county_headline_numbers(data):
    h = content.county_headlines(data, "宜丰")
    n = h.numbers
    assert n["county"] == COUNTY
    r = data.assessment.readiness.set_index(["county", "track"])
    for track in TRACKS:
        row = r.loc[(COUNTY, track)]
        t = n["tracks"][track]
        assert (t["a_met"], t["a_total"], t["b_good"], t["b_total"]) == (row["a_met"], row["a_total"], row["b_good"], row["b_total"])
        assert t["ready"] == bool(row["ready"])
        assert t["unmet"] == [c for c in str(row["unmet"]).split("、") if c]
        st = data.status[(data.status["county"] == COUNTY) & (data.status["track"] == track)].iloc[0]
        assert t["status"] == st["status"]
        assert t["scheduled_year"] == st["scheduled_year"]
    bill = data.assessment.bill
    assert n["bill_total_wan"] == pytest.approx(float(bill.loc[bill["county"] == COUNTY, "cost_wan"].sum()))
    parts = data.assessment.school_parts
    parts = parts[(parts["county"] == COUNTY) & parts["counted"].astype(bool)]
    assert n["schools_failing_rule"] == parts.loc[~parts["passed"].astype(bool), "school_id"].nunique()
    assert f"A 类指标 {row['a_total']} 项中 {row['a_met']} 项达标" in h.markdown()


def test_worst_indicator_has_the_most_schools_below_standard(data):
    code, level = content.worst_indicator(data, COUNTY)
    parts = data.assessment.school_parts
    parts = parts[(parts["county"] == COUNTY) & parts["counted"].astype(bool)]
    below = {(c, lv): int((g[f"{c}_ratio"] < 1).sum()) for lv, g in parts.groupby("level") for c in content.R_CODES}
    assert below[(code, level)] == max(below.values())


def test_schools_table_sums_the_gaps_of_each_school(data):
    table = content.schools_table(data, COUNTY)
    assert list(table.columns) == ["序号", "学校(幼儿园)", "学段", "未达标指标", "需补充", "估算费用（万元）"]
    assert 0 < len(table) <= content.TOP_SCHOOLS
    g = data.assessment.gaps
    g = g[(g["county"] == COUNTY) & g["in_bill"].astype(bool)]
    top = table.iloc[0]
    mine = g[g["school_name"] == top["学校(幼儿园)"]]
    assert top["估算费用（万元）"] == fmt.num(mine["cost_wan"].sum(), 1)
    n_codes = [len(v.split("、")) for v in table["未达标指标"]]
    assert n_codes == sorted(n_codes, reverse=True)  # most indicators missed first
    assert mine["indicator"].nunique() == n_codes[0]


def test_tables_have_chinese_headers_and_no_raw_missing_values(data):
    tables = [content.county_table(data), content.due_soon_table(data), content.county_status_table(data, COUNTY),
              content.unmet_items_table(data, COUNTY), content.schools_table(data, COUNTY)]
    assert len(tables[0]) == 2 * len(data.counties)
    for t in tables:
        assert all(re.search(r"[\u4e00-\u9fff]", str(c)) for c in t.columns), t.columns
        cells = t.astype(str).to_numpy().ravel()
        assert not any(c.lower() in ("nan", "none", "<na>") for c in cells)


def test_fan_chart_follows_the_binding_indicator(data):
    for county in data.counties:
        choice = content.fan_choice(data, county)
        st = data.status[data.status["county"] == county]
        binding = " ".join(st["binding"].astype(str))
        if choice["kind"] == "indicator":
            assert choice["code"] in binding
        if choice["kind"] == "cv":
            assert "CV" in binding
        figs = content.county_figures(data, county)
        fan = figs[f"{county}_预测"]
        actual = [t for t in fan.data if t.name == "实际"][0]
        assert np.isfinite(np.asarray(actual.y, dtype=float)).all()


def test_figures_have_the_expected_keys(data):
    assert list(content.city_figures(data)) == ["全市_状态示意图", "全市_评估计划时间轴", "全市_义务教育指标", "全市_学前教育指标",
                                                "全市_学前教育三项指标"]
    assert set(content.county_figures(data, COUNTY)) == {f"{COUNTY}_{k}" for k in ("差异系数", "学校分布", "预测", "达标投入")}


# ------------------------------------------------------------------------------------------ build

def test_build_writes_html_charts_and_problem_list(built, data):
    result, out, caught = built
    assert result.html == {"全市": out / "全市简报.html", COUNTY: out / f"{COUNTY}简报.html"}
    assert result.excel == {COUNTY: out / f"{COUNTY}问题清单.xlsx"}
    for path in [*result.html.values(), *result.excel.values()]:
        assert path.stat().st_size > 10_000
    n_figs = len(content.city_figures(data)) + len(content.county_figures(data, COUNTY))
    assert len(result.charts) == n_figs  # PNG by default (Word and the slides embed them); SVG only on request
    for stem in ("全市_义务教育指标", f"{COUNTY}_差异系数", f"{COUNTY}_达标投入"):
        assert (out / "charts" / f"{stem}.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not [w for w in caught if issubclass(w.category, ExportSkippedWarning)]
    assert not list(out.glob(".*")), "临时文件夹应已删除"
    summary = result.summary()
    assert "全市简报.html" in summary
    assert f"{COUNTY}问题清单.xlsx" in summary


def test_html_is_self_contained_without_code(built, data):
    result, out, _ = built
    html = result.html[COUNTY].read_text(encoding="utf-8")
    # only the two shared local scripts beside the page: no network, no inlined 4.8 MB copy of plotly.js
    assert re.findall(r'<script[^>]*src="([^"]*)"', html) == ["plotly.min.js", "plotly-locale-zh-cn.js"]
    assert (out / "plotly.min.js").stat().st_size > 1_000_000
    assert (out / "plotly-locale-zh-cn.js").exists()
    assert result.html[COUNTY].stat().st_size < 1_000_000
    assert "Plotly" in html
    assert html.count('class="plotly-graph-div"') == len(content.county_figures(data, COUNTY))
    assert html.count('"locale": "zh-CN"') == len(content.county_figures(data, COUNTY))
    assert "brief.show" not in html and "data_path" not in html  # no code cells
    assert "NBVAL_CHECK_OUTPUT" not in html
    assert f'href="{quote(COUNTY + "问题清单.xlsx")}"' in html  # a relative link to the workbook next to it
    assert '<html lang="zh">' in html
    text = re.sub(r"<script.*?</script>", "", html, flags=re.S)
    text = re.sub(r"<style.*?</style>", "", text, flags=re.S)
    visible = re.sub(r"<[^>]+>", " ", text)
    assert not re.search(r"\b(nan|NaN|None)\b", visible)
    assert f"{COUNTY}县域义务教育优质均衡发展和学前教育普及普惠工作简报" in visible


def test_problem_list_workbook_opens(built):
    from openpyxl import load_workbook

    result, _, _ = built
    wb = load_workbook(result.excel[COUNTY], read_only=True)
    assert "汇总" in wb.sheetnames


def test_without_chromium_html_and_excel_still_come_out(data, tmp_path, monkeypatch):
    export = importlib.import_module("yichun.charts.export")  # the module (charts.export is the function)
    monkeypatch.setattr(export, "chromium_path", lambda: None)
    with pytest.warns(ExportSkippedWarning) as record:
        result = build.build_briefing(tmp_path, county="靖安县", data=data, workers=2)
    skipped = [w for w in record if issubclass(w.category, ExportSkippedWarning)]
    assert len(skipped) == 1
    assert "chromium" in str(skipped[0].message)
    assert "跳过" in str(skipped[0].message)
    assert result.charts == []
    assert result.warnings == [str(skipped[0].message)]
    assert (tmp_path / "全市简报.html").exists()
    assert (tmp_path / "靖安县简报.html").exists()
    assert (tmp_path / "靖安县问题清单.xlsx").exists()
    assert not (tmp_path / "charts").exists() or not list((tmp_path / "charts").iterdir())
    assert "未导出" in result.summary()


def test_unknown_county_is_a_chinese_error(data, tmp_path):
    from yichun.errors import YichunError

    with pytest.raises(YichunError, match="宜春"):
        build.build_briefing(tmp_path, county="宜春", data=data)


def test_cli_brief_reports_an_unknown_county_in_chinese(capsys, tmp_path):
    from yichun.cli import main

    assert main(["brief", "--county", "不存在县", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "无法识别的县(市、区)名称「不存在县」" in err
    assert "宜丰县" in err
    assert not list(tmp_path.iterdir())
