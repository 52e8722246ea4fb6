"""The `roster` command line end to end: generate → solve → check → export, and bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

ROSTER = [sys.executable, "-c", "from api.cli import main; main()"]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*ROSTER, *args], capture_output=True, text=True, cwd=cwd,
                          timeout=300, env={"COLUMNS": "160", "PATH": "/usr/bin:/bin",
                                            "PYTHONPATH": str(Path(__file__).parents[1])})


@pytest.fixture(scope="module")
def solved(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("cli")
    r = run("generate", "--preset", "small", "--seed", "2", "--out", str(tmp / "inst.json"))
    assert r.returncode == 0, r.stderr
    r = run("solve", str(tmp / "inst.json"), "--time-limit", "15", "--out", str(tmp / "out"))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Tunnusluvut" in r.stdout and "Avoimet vuorot" in r.stdout
    return tmp


def test_solve_writes_csv_xlsx_report(solved: Path) -> None:
    out = solved / "out"
    header = (out / "roster.csv").read_text().splitlines()[0]
    assert header == "employee,date,shift,unit"
    rep = json.loads((out / "report.json").read_text())
    assert rep["kpis"]["hard_violations"] == 0
    wb = openpyxl.load_workbook(out / "roster.xlsx")
    assert "KPI" in wb.sheetnames


def test_check_ok_and_broken_roster(solved: Path) -> None:
    inst, ros = solved / "inst.json", solved / "out" / "roster.csv"
    r = run("check", str(inst), str(ros))
    assert r.returncode == 0 and "No hard violations" in r.stdout
    lines = ros.read_text().splitlines()
    emp, day, shift, unit = lines[1].split(",")[:4]
    # add a second, different shift on a worked day: breaks hard rule 1
    other = "I" if shift != "I" else "A"
    broken = solved / "broken.csv"
    broken.write_text("\n".join([*lines, f"{emp},{day},{other},{unit}"]) + "\n")
    r = run("check", str(inst), str(broken))
    assert r.returncode == 1 and "more than one shift" in r.stdout
    # the same row twice is a reading error that names the lines, not a silent merge
    dup = solved / "dup.csv"
    dup.write_text("\n".join([*lines, lines[1]]) + "\n")
    r = run("check", str(inst), str(dup))
    assert r.returncode == 2 and "repeats line 2" in r.stderr


def test_export(solved: Path) -> None:
    x = solved / "again.xlsx"
    r = run("export", str(solved / "out" / "roster.csv"), "--instance", str(solved / "inst.json"),
            "--xlsx", str(x))
    assert r.returncode == 0 and x.exists()


def test_bad_input_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"start": "2027-03-02", "units": [], "shift_types": [], "employees": []}')
    r = run("solve", str(bad))
    assert r.returncode == 2
    assert "Traceback" not in r.stderr and "Monday" in r.stderr
    r = run("solve", str(tmp_path / "missing.json"))
    assert r.returncode == 2 and "file not found" in r.stderr
    r = run("check", str(bad), str(tmp_path / "nothing.csv"))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    r = run("solve", "--profile", "nosuch")
    assert r.returncode == 2 and "unknown profile" in r.stderr


def test_csv_folder_and_workbook_inputs(solved: Path) -> None:
    folder, book = solved / "tables", solved / "tables.xlsx"
    assert run("convert", str(solved / "inst.json"), "--out", str(folder)).returncode == 0
    assert (folder / "employees.csv").exists()
    assert run("convert", str(folder), "--out", str(book)).returncode == 0
    r = run("check", str(book), str(solved / "out" / "roster.csv"))
    assert r.returncode == 0, r.stdout + r.stderr
    (folder / "wishes.csv").write_text((folder / "wishes.csv").read_text().replace(
        "2027-", "2027-13-", 1))
    r = run("check", str(folder), str(solved / "out" / "roster.csv"))
    assert r.returncode == 2 and "wishes.csv line 2" in r.stderr and "is not a date" in r.stderr


def test_rules_lists_catalogue() -> None:
    r = run("rules")
    assert r.returncode == 0 and "daily_rest" in r.stdout


def test_solve_warm_starts_from_a_roster_and_never_worsens_it(solved: Path) -> None:
    first = json.loads((solved / "out" / "report.json").read_text())["kpis"]["objective"]
    r = run("solve", str(solved / "inst.json"), "--time-limit", "8", "--hint",
            str(solved / "out" / "roster.csv"), "--out", str(solved / "warm"), "--no-grid")
    assert r.returncode == 0, r.stdout + r.stderr
    again = json.loads((solved / "warm" / "report.json").read_text())["kpis"]["objective"]
    assert again <= first


def test_solve_starts_from_the_previous_periods_roster(solved: Path) -> None:
    """The last period's roster, dated one period back, is carried onto this one: the same
    rotation is the warm start (never worsened) and the continuity reference."""
    import pandas as pd

    inst = json.loads((solved / "inst.json").read_text())
    days = 7 * inst["weeks"]
    rows = pd.read_csv(solved / "out" / "roster.csv", dtype=str)
    rows["date"] = (pd.to_datetime(rows["date"]) - pd.Timedelta(days=days)).dt.strftime("%Y-%m-%d")
    rows.to_csv(solved / "previous.csv", index=False)
    first = json.loads((solved / "out" / "report.json").read_text())["kpis"]["objective"]
    r = run("solve", str(solved / "inst.json"), "--time-limit", "8", "--previous",
            str(solved / "previous.csv"), "--out", str(solved / "prev"), "--no-grid")
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"{len(rows)} shifts carried from the previous roster" in r.stdout
    rep = json.loads((solved / "prev" / "report.json").read_text())
    assert rep["kpis"]["objective"] <= first
    r = run("solve", str(solved / "inst.json"), "--previous", str(solved / "out" / "roster.csv"))
    assert r.returncode == 2 and "no row is dated before the period start" in r.stderr
    assert "Traceback" not in r.stderr
    r = run("solve", str(solved / "inst.json"), "--hint", str(solved / "out" / "roster.csv"),
            "--previous", str(solved / "previous.csv"))
    assert r.returncode == 2 and "not both" in r.stderr


def test_region_solve_in_parallel_units(tmp_path: Path) -> None:
    r = run("generate", "--preset", "mixed", "--seed", "1", "--out", str(tmp_path / "m.json"))
    assert r.returncode == 0, r.stderr
    r = run("solve", str(tmp_path / "m.json"), "--time-limit", "24", "--decompose", "--no-grid",
            "--out", str(tmp_path / "out"))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "4 units solved in parallel; open shifts no roster can avoid" in r.stdout
    rep = json.loads((tmp_path / "out" / "report.json").read_text())
    assert rep["kpis"]["hard_violations"] == 0
