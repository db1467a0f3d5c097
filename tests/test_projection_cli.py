"""`yichun project`: CSV outputs (UTF-8 with BOM) and the printed Chinese status table."""

from __future__ import annotations

import pandas as pd
from projection_toy import county_rows, kindergarten, make_inputs, school

from yichun.cli import main

FALLING = {y: 1000.0 - max(0, y - 2014) * 60 for y in range(2005, 2024)}


def toy():
    schools, kgs, ci = [], [], []
    for y in (2022, 2023):
        schools += [school("宜丰县", y, "S1", 600), school("宜丰县", y, "S2", 300, teachers_pe_arts_primary=1.0)]
        kgs += [kindergarten("宜丰县", y, "K1", 300)]
        ci += county_rows("宜丰县", y, 300)
    return make_inputs(schools, kgs, ci, {"宜丰县": FALLING})


def test_project_writes_tables_and_prints_status(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("yichun.intake.load", lambda raw_dir=None, **kw: toy())
    scen = tmp_path / "s.yaml"
    # the item by its Chinese label in the data dictionary
    scen.write_text("name: 补教师\ncounty: 宜丰县\nactions:\n  - {action: 增加资源, item: 小学体育艺术专任教师数, "
                    "quantity: 2, schools: [S2], year: 2025}\n", encoding="utf-8")
    assert main(["project", "--out", str(tmp_path / "base"), "--to-year", "2029"]) == 0
    text = capsys.readouterr().out
    assert "【义务教育】" in text
    assert "难以按期" in text
    assert "R3" in text
    status = pd.read_csv(tmp_path / "base" / "status.csv", encoding="utf-8-sig")
    assert list(status["track"]) == ["义务教育", "学前教育"]
    assert (tmp_path / "base" / "status.csv").read_bytes()[:3] == b"\xef\xbb\xbf"
    enrol = pd.read_csv(tmp_path / "base" / "enrolment_projection.csv", encoding="utf-8-sig")
    assert set(enrol["variant"]) == {"central", "low", "high"}
    assert enrol["year"].max() == 2029
    assert set(pd.read_csv(tmp_path / "base" / "readiness_projection.csv", encoding="utf-8-sig")["ready"]) <= {True, False}

    assert {"reason_variant", "reason_year", "reason_codes", "reason_text", "lapse_year", "lapse_variant"} <= set(status.columns)
    assert (tmp_path / "base" / "planned_changes.csv").exists()

    assert main(["project", "--out", str(tmp_path / "s"), "--scenario", str(scen)]) == 0
    assert "情景：补教师" in capsys.readouterr().out
    status = pd.read_csv(tmp_path / "s" / "status.csv", encoding="utf-8-sig")
    assert list(status.columns[:2]) == ["scenario", "county"]
    st = status.set_index(["scenario", "track"])
    assert st.loc[("基准", "义务教育"), "status"] == "难以按期"  # 基准 side by side with the scenario
    assert st.loc[("补教师", "义务教育"), "status"] == "按期可达"
    assert st.loc[("补教师", "义务教育"), "action_annual_wan"] == 2 * 13.0  # two teachers, one year of staff cost
    assert st.loc[("补教师", "义务教育"), "action_once_wan"] == 0.0
    costs = pd.read_csv(tmp_path / "s" / "scenario_costs.csv", encoding="utf-8-sig")
    assert list(costs["item"]) == ["teachers_pe_arts_primary"]
    assert list(costs["cost_kind"]) == ["每年经费"]
    readiness = pd.read_csv(tmp_path / "s" / "readiness_projection.csv", encoding="utf-8-sig")
    assert set(readiness["scenario"]) == {"基准", "补教师"}


def test_bad_requests_are_user_errors(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr("yichun.intake.load", lambda raw_dir=None, **kw: toy())
    assert main(["project", "--to-year", "2022", "--out", str(tmp_path)]) == 2
    assert "--to-year" in capsys.readouterr().err
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nactions:\n  - {action: add_resource, item: teaching_area_m2, quantty: 5}\n", encoding="utf-8")
    assert main(["project", "--scenario", str(bad), "--out", str(tmp_path)]) == 2
    assert "「quantty」" in capsys.readouterr().err
