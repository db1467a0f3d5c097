"""The schedule of the 2021 notice: transcription, the 宜丰县 repair, and the once-per-track rule."""

import shutil

import pytest

from yichun import paths
from yichun._yaml import read_yaml
from yichun.schedule import COMPULSORY, PRESCHOOL, ScheduleError, schedule, scheduled_year

EXPECTED = {
    COMPULSORY: {2020: ["上高县"], 2021: ["靖安县"], 2023: ["万载县"], 2024: ["铜鼓县"], 2025: ["樟树市"],
                 2026: ["奉新县"], 2027: ["宜丰县", "袁州区"], 2028: ["丰城市"], 2029: ["高安市"]},
    PRESCHOOL: {2021: ["丰城市"], 2022: ["樟树市"], 2023: ["高安市"], 2024: ["袁州区"], 2025: ["万载县", "靖安县"],
                2026: ["上高县"], 2027: ["铜鼓县"], 2028: ["宜丰县"], 2029: ["奉新县"]},
}


def test_schedule_matches_the_notice():
    frame = schedule()
    got = {t: {int(y): sorted(g["county"]) for y, g in frame[frame.track == t].groupby("year")} for t in (COMPULSORY, PRESCHOOL)}
    assert got == EXPECTED
    assert list(frame.columns) == ["county", "track", "year"]


def test_yifeng_repair_is_recorded_in_the_provenance():
    prov = read_yaml(paths.schedule_provenance())
    repair = prov["repairs"][0]
    assert repair["resolved_to"] == "宜丰县"
    assert "必威体育" in repair["seen"]
    assert str(prov["notice_date"]) == "2021-10-16"
    assert scheduled_year("宜丰", COMPULSORY) == 2027
    assert scheduled_year("宜丰县", PRESCHOOL) == 2028


def _write(tmp_path, text):
    path = tmp_path / "schedule.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_county_listed_twice_is_rejected(tmp_path):
    text = paths.schedule_csv().read_text(encoding="utf-8").replace("2029,义务教育优质均衡,高安市", "2029,义务教育优质均衡,丰城市")
    with pytest.raises(ScheduleError) as err:
        schedule(_write(tmp_path, text))
    msg = str(err.value)
    assert "丰城市 出现 2 次" in msg
    assert "高安市 出现 0 次" in msg


def test_the_corrupted_cell_left_unrepaired_is_rejected(tmp_path):
    text = paths.schedule_csv().read_text(encoding="utf-8").replace("2028,学前教育普及普惠,宜丰县", "2028,学前教育普及普惠,必威体育app")
    with pytest.raises(Exception) as err:
        schedule(_write(tmp_path, text))
    assert "必威体育app" in str(err.value)


def test_years_outside_2020_2029_are_rejected(tmp_path):
    text = paths.schedule_csv().read_text(encoding="utf-8").replace("2020,义务教育优质均衡,上高县", "2019,义务教育优质均衡,上高县")
    with pytest.raises(ScheduleError, match="2019"):
        schedule(_write(tmp_path, text))


def test_edited_schedule_without_updated_checksum_is_refused(tmp_path, monkeypatch):
    raw = tmp_path / "data" / "raw"
    raw.mkdir(parents=True)
    shutil.copy(paths.schedule_csv(), raw / "schedule.csv")
    shutil.copy(paths.schedule_provenance(), raw / "schedule.provenance.yaml")
    monkeypatch.setenv("YICHUN_ROOT", str(tmp_path))
    assert len(schedule()) == 20
    with open(raw / "schedule.csv", "a", encoding="utf-8") as fh:
        fh.write("\n")
    with pytest.raises(ScheduleError, match="校验值"):
        schedule()
