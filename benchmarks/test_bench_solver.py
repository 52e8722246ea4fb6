"""pytest-benchmark suites (not part of CI): `bash scripts/bench.sh` runs them.

Speed and quality live here, recorded as figures, never as timed assertions that flake: each
benchmark stores the objective, bound and KPIs in `extra_info` next to the timing.
"""

from __future__ import annotations

import pytest

from benchmarks.curtois_batch import best_known, data_dir
from constraints.checker import check_roster
from scheduler import SolveOptions, solve

DATA = data_dir()


@pytest.mark.parametrize("number", [1, 2, 3, 4])
def test_curtois_small(benchmark, number: int) -> None:
    if DATA is None:
        pytest.skip("Curtois & Qu data not found: set CURTOIS_DIR or provide "
                    "../shared/benchdata/curtois")
    from instances.curtois import curtois_profile, read_curtois

    inst = read_curtois(DATA / f"Instance{number}.txt")
    prof = curtois_profile()
    res = benchmark.pedantic(solve, args=(inst, prof, SolveOptions(time_limit=60, workers=2)),
                             rounds=1, iterations=1)
    rep = check_roster(inst, res.roster, prof)
    ref = best_known(DATA)[f"Instance{number}"]["ub"]
    benchmark.extra_info.update(objective=rep.objective, best_known=ref, bound=res.bound,
                                gap_pct=100 * (rep.objective - ref) / ref)
    assert rep.violations == []


def test_demo_30s(benchmark) -> None:
    from instances.generator import load_demo
    from instances.profiles import get_profile

    inst, prof = load_demo(), get_profile("balanced")
    res = benchmark.pedantic(solve, args=(inst, prof, SolveOptions(time_limit=30, workers=2)),
                             rounds=1, iterations=1)
    rep = check_roster(inst, res.roster, prof)
    benchmark.extra_info.update({k: v for k, v in rep.kpis.items()
                                 if isinstance(v, (int, float, dict))})
    assert rep.violations == []


@pytest.fixture(scope="module")
def region_1000_roster():
    """Region-1000 (seed 0) and a complete roster of it: what the checker reads after a solve."""
    from instances.generator import PRESETS
    from instances.models import Profile

    inst, prof = PRESETS["region-1000"](0), Profile()
    res = solve(inst, prof, SolveOptions(time_limit=60, workers=2, first_only=True))
    return inst, prof, res.roster


def test_check_region_1000(benchmark, region_1000_roster) -> None:
    """The independent checker on a whole region: it runs once at the end of every region
    solve (budgeted per employee in scheduler/decompose.py) and behind `roster check`."""
    inst, prof, roster = region_1000_roster
    rep = benchmark.pedantic(check_roster, args=(inst, roster, prof), rounds=3, iterations=1)
    benchmark.extra_info.update(assignments=len(roster.assignments),
                                penalties=len(rep.penalties), objective=rep.objective)
    assert rep.violations == []


def test_excel_region_1000(benchmark, region_1000_roster, tmp_path) -> None:
    """The Excel workbook of a whole region: `roster solve` writes it after every solve, while
    the planner waits (99.8 s before its unit sheets stopped scanning the roster per employee,
    7.0 s after; twenty-sixth session)."""
    import openpyxl

    from api.excel import export_xlsx

    inst, prof, roster = region_1000_roster
    rep = check_roster(inst, roster, prof)
    path = tmp_path / "region.xlsx"
    benchmark.pedantic(export_xlsx, args=(inst, roster, path),
                       kwargs={"kpis": rep.kpis, "open_shifts": rep.metrics.get("open_shifts")},
                       rounds=1, iterations=1)
    assert len(openpyxl.load_workbook(path, read_only=True).sheetnames) > len(inst.units)
