"""Region packs (yichun/region.py, docs/region-packs.md): Yichun's pack is today's registry, another pack
swaps units, names, schedule and tile layout, and every broken pack is refused with a Chinese message."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from yichun.cli import main
from yichun.counties import NotAssessedError, UnknownCountyError, by_name, counties, is_management_area, names, normalize_county
from yichun.region import (
    DEFAULT_REGION,
    ENV,
    RegionError,
    active_region,
    chinese_count,
    load_region,
    pack_for_folder,
    region_key,
    use_region,
)
from yichun.schedule import COMPULSORY, PRESCHOOL, deadline, schedule, scheduled_year, year_range

TRI = Path(__file__).parent / "data" / "region_tri.yaml"

# Today's registry, copied from the former yichun/data/counties.yaml and tilemap.yaml.
YICHUN_UNITS = [
    ("360902", "袁州区", "袁州", 101), ("360921", "奉新县", "奉新", 31), ("360922", "万载县", "万载", 48),
    ("360923", "上高县", "上高", 35), ("360924", "宜丰县", "宜丰", 28), ("360925", "靖安县", "靖安", 14),
    ("360926", "铜鼓县", "铜鼓", 13), ("360981", "丰城市", "丰城", 132), ("360982", "樟树市", "樟树", 54),
    ("360983", "高安市", "高安", 79),
]
YICHUN_TILES = {"铜鼓县": (0, 0), "宜丰县": (1, 0), "奉新县": (2, 0), "靖安县": (3, 0), "万载县": (0, 1), "上高县": (1, 1),
                "高安市": (2, 1), "丰城市": (3, 1), "袁州区": (0, 2), "樟树市": (2, 2)}


@pytest.fixture
def tri():
    with use_region(TRI):
        yield


# ----------------------------------------------------------------------------- the default pack


def test_default_pack_lists_todays_ten_units():
    assert active_region().name == "宜春市"
    assert [(c.code, c.name, c.short, c.population_10k) for c in counties()] == YICHUN_UNITS


def test_default_pack_keeps_the_management_areas_and_prefixes():
    r = load_region(DEFAULT_REGION)
    assert [(m.name, m.administered_by) for m in r.management_areas] == [
        ("宜春经济技术开发区", "袁州区"), ("宜阳新区", "袁州区"), ("明月山温泉风景名胜区", "袁州区")]
    assert r.prefixes == ("江西省宜春市", "江西宜春市", "江西省宜春", "江西省", "宜春市", "江西")  # longest first


def test_default_pack_keeps_the_tile_layout():
    from yichun.charts.tilemap import tile_positions

    assert tile_positions() == YICHUN_TILES


def test_default_schedule_is_the_transcribed_csv_with_the_2030_deadline():
    from yichun import paths

    assert schedule().equals(schedule(paths.schedule_csv()))
    assert deadline() == 2030
    assert year_range() == (2020, 2029)


def test_default_unknown_name_message_is_unchanged():
    with pytest.raises(UnknownCountyError) as err:
        normalize_county("南昌县")
    assert str(err.value).endswith("。应为宜春市十个县(市、区)之一：袁州区、奉新县、万载县、上高县、宜丰县、靖安县、铜鼓县、丰城市、樟树市、高安市")


@pytest.mark.parametrize(("n", "text"), [(3, "三"), (10, "十"), (12, "十二"), (20, "二十"), (100, "一百"), (105, "一百零五"),
                                         (110, "一百一十"), (1001, "一千零一")])
def test_unit_counts_in_chinese_numerals(n, text):
    assert chinese_count(n) == text


# ----------------------------------------------------------------------------- another pack


def test_another_pack_resolves_its_own_names(tri):
    assert names() == ["星湖区", "月岭县", "日川市"]
    assert normalize_county("测试省三县样例市 月岭") == "月岭县"
    assert normalize_county("月岭山区") == "月岭县"
    assert normalize_county("990003") == "日川市"
    assert by_name("星湖").code == "990001"


def test_another_pack_refuses_yichun_names_naming_its_own_three(tri):
    with pytest.raises(UnknownCountyError) as err:
        normalize_county("宜丰县")
    assert "应为三县样例市三个县(市、区)之一：星湖区、月岭县、日川市" in str(err.value)


def test_another_pack_has_its_own_management_area(tri):
    assert is_management_area("三县样例市新区")
    with pytest.raises(NotAssessedError) as err:
        normalize_county("星湖新区")
    assert err.value.parent == "星湖区"


def test_another_pack_has_its_own_schedule(tri):
    frame = schedule()
    assert len(frame) == 6
    assert scheduled_year("月岭", COMPULSORY) == 2025
    assert scheduled_year("日川市", PRESCHOOL) == 2028
    assert frame[frame.track == COMPULSORY]["county"].tolist() == ["星湖区", "月岭县", "日川市"]  # by year: 2020, 2025, 2027


def test_a_pack_without_tiles_gets_a_grid_in_its_order(tri):
    from yichun.charts.tilemap import tile_positions

    # 3 units: ⌈√(3 × 1.5)⌉ = 3 columns, one row
    assert tile_positions() == {"星湖区": (0, 0), "月岭县": (1, 0), "日川市": (2, 0)}


def test_the_automatic_grid_of_100_units_is_13_by_8():
    from yichun.charts.tilemap import auto_grid

    pos = auto_grid([f"u{k}" for k in range(100)])
    # ⌈√150⌉ = 13 columns; 100 = 7 × 13 + 9: rows 0–7, the last unit at column 8 of row 7
    assert max(c for c, _ in pos.values()) == 12
    assert max(r for _, r in pos.values()) == 7
    assert pos["u99"] == (8, 7)
    assert len(set(pos.values())) == 100


def test_the_tile_map_of_another_pack_draws_its_units(tri):
    import pandas as pd

    from yichun.charts.tilemap import tile_map

    fig = tile_map(pd.DataFrame({"county": ["星湖区", "月岭县"], "status": ["按期可达", "有风险"]}))
    assert len(fig.layout.shapes) == 3  # one tile per unit; 日川市 without a status drawn as 缺数据
    assert any("日川" in (a.text or "") and "缺数据" in (a.text or "") for a in fig.layout.annotations)


def test_the_block_ends_back_on_the_default_pack():
    before = os.environ.get(ENV)
    with use_region(TRI):
        assert active_region().name == "三县样例市"
        assert os.environ[ENV] == str(TRI)
    assert active_region().name == "宜春市"
    assert os.environ.get(ENV) == before


def test_the_setting_selects_a_pack(monkeypatch):
    monkeypatch.setenv(ENV, str(TRI))
    assert names() == ["星湖区", "月岭县", "日川市"]


def test_region_key_and_the_intake_cache_key_differ_between_packs():
    from yichun.intake.cache import cache_key

    yichun_keys = region_key(), cache_key("2025/a.xlsx", "0" * 64)
    with use_region(TRI):
        tri_keys = region_key(), cache_key("2025/a.xlsx", "0" * 64)
    assert yichun_keys[0] != tri_keys[0]
    assert yichun_keys[1] != tri_keys[1]


def test_briefing_titles_name_the_active_region(tri):
    from yichun.briefing.report import title_of

    assert title_of(None) == "三县样例市推进县域义务教育优质均衡发展和学前教育普及普惠工作情况汇报"


# ----------------------------------------------------------------------------- how a raw folder finds its pack


def test_a_folder_pack_is_used_when_nothing_else_is_said(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV, raising=False)
    (tmp_path / "region.yaml").write_bytes(TRI.read_bytes())
    assert pack_for_folder(tmp_path) == str(tmp_path / "region.yaml")


def test_a_folder_without_a_pack_uses_the_default(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV, raising=False)
    assert pack_for_folder(tmp_path) == DEFAULT_REGION


def test_an_explicit_pack_equal_to_the_folders_is_accepted(tmp_path):
    (tmp_path / "region.yaml").write_bytes(TRI.read_bytes())
    assert pack_for_folder(tmp_path, str(TRI)) == str(tmp_path / "region.yaml")


def test_an_explicit_pack_that_disagrees_with_the_folders_is_an_error(tmp_path):
    (tmp_path / "region.yaml").write_bytes(TRI.read_bytes())
    with pytest.raises(RegionError, match="不一致"):
        pack_for_folder(tmp_path, DEFAULT_REGION)


# ----------------------------------------------------------------------------- validation

BROKEN = {
    "unknown top-level key": (("prefixes:", "colour: red\nprefixes:"), "「colour」不是已知的键"),
    "unknown unit key": (("short: 星湖,", "shrt: 星湖,"), "「units[0].shrt」不是已知的键"),
    "duplicate code": (('code: "990002"', 'code: "990001"'), "「units[1].code」「990001」与 units[0].code 重复"),
    "duplicate name": (("name: 月岭县, short: 月岭", "name: 星湖区, short: 月岭"), "「units[1].name」「星湖区」与 units[0].name 重复"),
    "alias of another unit": (("aliases: [月岭山区]", "aliases: [星湖]"), "「units[1].aliases」「星湖」与 units[0].short 重复"),
    "management area named like a unit": (("aliases: [新区]", "aliases: [日川]"), "「management_areas[0]」「日川」与 units[2].short 重复"),
    "schedule names an unknown unit": (("月岭县: 2025,", "月岭县: 2025, 宜丰县: 2027,"),
                                       "「schedule.years.义务教育优质均衡.宜丰县」不是本配置 units 中的县(市、区)"),
    "unit without a schedule": ((", 日川市: 2028}", "}"), "「schedule.years.学前教育普及普惠」缺少 日川市"),
    "scheduled after the last year": (("日川市: 2027}", "日川市: 2031}"), "为 2031，不在 2020—2029 之间"),
    "code not six digits": (('code: "990003"', 'code: "9903"'), "「units[2].code」为「9903」，应为六位行政区划代码"),
    "no units": (("units:", "unit_list:"), "「unit_list」不是已知的键"),
    "tiles missing a unit": (("prefixes:", "tiles: {星湖区: {col: 0, row: 0}}\nprefixes:"), "「tiles」缺少 月岭县、日川市"),
    "parent not a unit": (("administered_by: 星湖区", "administered_by: 袁州区"),
                          "「management_areas[0].administered_by」为「袁州区」，不是本配置中的县(市、区)"),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_broken_pack_is_refused_naming_the_file_and_key(case, tmp_path):
    (old, new), said = BROKEN[case]
    text = TRI.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "坏的配置.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(RegionError) as err:
        load_region(path)
    assert f"区域配置 {path}" in str(err.value)
    assert said in str(err.value)


def test_a_pack_that_is_not_yaml_is_refused(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("region: [unclosed", encoding="utf-8")
    with pytest.raises(RegionError, match="不是有效的 YAML"):
        load_region(path)


def test_an_unknown_built_in_name_lists_the_built_in_packs():
    with pytest.raises(RegionError, match="没有名为「jiangxi」的内置区域配置（有：yichun）"):
        load_region("jiangxi")


# ----------------------------------------------------------------------------- the command line


def test_the_cli_refuses_a_bad_region_with_exit_2(tmp_path, capsys):
    path = tmp_path / "bad.yaml"
    path.write_text(TRI.read_text(encoding="utf-8").replace('code: "990002"', 'code: "990001"'), encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        main(["schedule", "--region", str(path)])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "参数 --region" in err
    assert "units[1].code" in err
    assert "Traceback" not in err


def test_the_cli_schedule_prints_the_other_packs_schedule(capsys):
    assert main(["schedule", "--region", str(TRI), "--csv"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "county,track,year"
    assert "月岭县,义务教育优质均衡,2025" in out


def test_the_cli_refuses_a_region_that_disagrees_with_the_folders(tmp_path, capsys):
    (tmp_path / "region.yaml").write_bytes(TRI.read_bytes())
    assert main(["ingest", "--raw", str(tmp_path), "--region", DEFAULT_REGION, "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "不一致" in err
    assert "region.yaml" in err


# ----------------------------------------------------------------------------- whole runs under another pack


@pytest.fixture(scope="module")
def tri_run(tmp_path_factory):
    """The three-unit pack's sample workbooks (2024–2025), ingested, assessed and projected."""
    from yichun.assessment import assess
    from yichun.intake import ingest
    from yichun.projection import outlook
    from yichun.sample import generate

    raw = tmp_path_factory.mktemp("tri_raw")
    with use_region(TRI):
        written = generate(raw, years=(2024, 2025), messy=False)
        result = ingest(raw, raw.parent / "tri_out")
        a = assess(result.inputs, years=2025)
        o = outlook(result.inputs, to_year=2030)
    return written, result, a, o


def test_another_packs_workbooks_ingest_under_it(tri_run):
    written, result, _, _ = tri_run
    assert len(written) == 6
    assert result.ok
    assert sorted(set(result.inputs.schools["county"])) == ["日川市", "星湖区", "月岭县"]


def test_another_pack_is_assessed_unit_by_unit(tri_run):
    _, _, a, _ = tri_run
    assert sorted(set(a.readiness["county"])) == ["日川市", "星湖区", "月岭县"]


def test_the_projection_reads_the_other_packs_schedule(tri_run):
    _, _, _, o = tri_run
    st = o.status.set_index(["county", "track"])["status"]
    # 星湖区 义务教育 2020 and 月岭县 学前教育 2022 lie before the data year 2025; 日川市 (2027, 2028) lie ahead
    assert str(st[("星湖区", "义务教育")]).startswith("已过计划年份")
    assert str(st[("月岭县", "学前教育")]).startswith("已过计划年份")
    assert not str(st[("日川市", "义务教育")]).startswith("已过计划年份")
    assert not str(st[("日川市", "学前教育")]).startswith("已过计划年份")


def test_the_same_folder_under_another_pack_is_read_again_not_taken_as_up_to_date(tri_run):
    from yichun.intake import ingest

    written, _, _, _ = tri_run
    raw = written[0].parent.parent
    again = ingest(raw, raw.parent / "tri_out")  # the default pack now: the three names are not Yichun's
    assert not again.ok
    assert set(again.problems["kind"]) >= {"未知县(市、区)"}


def test_sample_with_12_counties_is_one_folder_ingested_in_one_call(tmp_path, capsys):
    out = tmp_path / "省"
    assert main(["sample", "--counties", "12", "--years", "2025", "--clean", "--out", str(out)]) == 0
    assert (out / "region.yaml").is_file()
    assert len(list((out / "2025").glob("*.xlsx"))) == 12
    capsys.readouterr()
    assert main(["ingest", "--raw", str(out), "--out", str(tmp_path / "processed")]) == 0
    said = capsys.readouterr().out
    assert "错误 0 个" in said
    import pandas as pd

    assert len(load_region(out / "region.yaml").units) == 12
    assert pd.read_parquet(tmp_path / "processed" / "schools.parquet")["county"].nunique() == 12


def test_the_schedule_chart_cites_the_other_packs_schedule(tri):
    from yichun.charts.schedule import _source

    assert _source() == "来源：测试用；标准：教督〔2017〕6号、教督〔2020〕1号"


def test_the_schedule_chart_keeps_yichuns_note():
    from yichun.charts.schedule import _source

    assert _source() == "来源：宜春市人民政府2021年实施方案附件《督导评估计划表》；标准：教督〔2017〕6号、教督〔2020〕1号"
