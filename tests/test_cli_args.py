"""Every invalid command-line argument gets a Chinese message and exit 2 (yichun/commands/_args.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from yichun.cli import build_parser, main


@pytest.fixture
def a_file(tmp_path):
    path = tmp_path / "普通文件.txt"
    path.write_text("x", encoding="utf-8")
    return path


CASES = {
    "year not a number": (["assess", "--year", "abc"], "四位年份"),
    "year out of range": (["brief", "--year", "25"], "四位年份"),
    "to-year not a year": (["project", "--to-year", "明年"], "四位年份"),
    "raw is a file": (["ingest", "--raw", "{file}"], "是一个文件，不是文件夹"),
    "out is a file": (["assess", "--out", "{file}"], "是一个文件，不是文件夹"),
    "out below a file": (["ingest", "--out", "{file}/子文件夹"], "不能在它下面建立输出文件夹"),
    "template to csv": (["template", "--county", "宜丰县", "--year", "2026", "--out", "x.csv"], "应为 .xlsx 文件"),
    "problems list to txt": (["ingest", "--problems", "问题.txt"], "应为 .csv 或 .xlsx 文件"),
    "problems workbook to a folder": (["problems", "--county", "宜丰县", "--out", "{dir}"], "是一个文件夹"),
    "workers zero": (["brief", "--workers", "0"], "不小于 1 的整数"),
    "examples negative": (["ingest", "--examples", "-1"], "不小于 0 的整数"),
    "scenario missing": (["project", "--scenario", "{dir}/没有.yaml"], "找不到文件"),
    "unknown option": (["ingest", "--bogus"], "无法识别的参数"),
    "required option": (["problems"], "缺少必需的参数：--county"),
    "option without value": (["assess", "--year"], "后面应给出一个值"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_invalid_argument_is_a_chinese_message_and_exit_2(case, a_file, tmp_path, capsys):
    argv, said = CASES[case]
    argv = [a.format(file=a_file, dir=tmp_path) for a in argv]
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：")
    assert said in err
    assert "usage:" not in err
    assert "error:" not in err
    assert "Traceback" not in err


def test_relative_out_is_fixed_against_the_working_directory_when_given(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for argv in (["brief", "--out", "简报"], ["assess", "--out", "简报"], ["ingest", "--out", "简报"]):
        args = build_parser().parse_args(argv)
        assert args.out == tmp_path / "简报"
        assert args.out.is_absolute()
    args = build_parser().parse_args(["template", "--county", "宜丰县", "--year", "2026", "--out", "t.xlsx"])
    assert args.out == tmp_path / "t.xlsx"


def test_valid_arguments_still_parse(tmp_path):
    args = build_parser().parse_args(["assess", "--year", "2024", "--raw", str(tmp_path)])
    assert args.year == 2024
    assert args.raw == Path(tmp_path)
