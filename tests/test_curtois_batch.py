"""The Curtois & Qu batch runner (benchmarks/curtois_batch.py): where each gain came from, the
events table kept across partial re-runs, and the rosters it keeps checked on their own."""

from __future__ import annotations

import csv

from typer.testing import CliRunner

from benchmarks import curtois_batch as cb
from scheduler.gains import gains, summary
from tests.test_curtois import bench_file


def test_gains_sum_each_better_roster_by_its_source():
    events = [
        (0.5, "start", 100.0),
        (1.0, "lns:employees", 90.0),
        (1.5, "highs:gate", 85.0),  # a turn of HiGHS's, not a roster
        (2.0, "lns:window", 95.0),  # a round's roster worse than the best: gains nothing
        (3.0, "highs", 80.0),
        (4.0, "lns:employees", 78.0),
        (5.0, "highs:hold", 78.0),
        (6.0, "highs:release", 78.0),
        (7.0, "highs:bound", 75.0),  # the proven bound, not a turn
    ]
    g = gains(list(reversed(events)))  # in time order whatever order they came in
    assert g.first == (0.5, "start", 100.0)
    assert g.by_source == {"lns:employees": [2, 12.0], "highs": [1, 10.0]}
    assert g.turns == {"gate": 1, "hold": 1, "release": 1}
    # the gains add up to the first roster's objective less the last one's
    assert sum(gain for _n, gain in g.by_source.values()) == 100.0 - 78.0
    table = cb.sources_table({"Instance9": events, "Instance10": [(1.0, "highs:bound", 3.0)]})
    assert table[2] == ("| Instance9 | 100 (start, 0.5 s) | lns:employees 12 (2), highs 10 (1) "
                        "| gate 1, hold 1, release 1 |")
    assert len(table) == 3  # an instance without a roster has no row
    assert summary(events) == ("first roster 100 (start, 0.5 s); then lns:employees −12 (2), "
                               "highs −10 (1)")
    assert summary([(1.0, "cp-sat", 7.0)]) == "first roster 7 (cp-sat, 1.0 s)"
    assert summary([]) == ""


def test_batch_keeps_events_rosters_and_a_partial_rerun_keeps_the_others(tmp_path):
    from constraints.checker import check_roster
    from instances.curtois import curtois_profile, read_curtois, read_solution_csv

    data = bench_file("Instance1").parent
    out, sols = tmp_path / "out", tmp_path / "solutions"
    run = CliRunner().invoke(cb.app, ["--instances", "1,2", "--time-limit", "20", "--data",
                                      str(data), "--out", str(out), "--solutions", str(sols)])
    assert run.exit_code == 0, run.output
    with open(out / "curtois_20s_events.csv", newline="") as f:
        events = list(csv.DictReader(f))
    assert {e["instance"] for e in events} == {"Instance1", "Instance2"}
    md = (out / "curtois_20s.md").read_text()
    assert "Where the gains came from" in md and "| Instance2 | " in md.split("gains")[1]
    assert (out / "curtois_20s_sources.png").stat().st_size > 0
    rows = {r.instance: r for r in cb.read_rows(out / "curtois_20s.csv")}
    for name in ("Instance1", "Instance2"):
        inst = read_curtois(data / f"{name}.txt")
        rep = check_roster(inst, read_solution_csv(inst, sols / f"{name}.csv"),
                           curtois_profile())
        assert rep.violations == [] and rep.objective == rows[name].objective
        # the last better roster logged is the one handed back
        last = [float(e["objective"]) for e in events if e["instance"] == name
                and not e["event"].startswith("highs:")][-1]
        assert last == rows[name].objective

    again = CliRunner().invoke(cb.app, ["--instances", "1", "--time-limit", "20", "--data",
                                        str(data), "--out", str(out)])
    assert again.exit_code == 0, again.output
    kept = cb.read_events(out / "curtois_20s_events.csv")
    assert set(kept) == {"Instance1", "Instance2"}
    assert kept["Instance2"] == [(float(e["t_s"]), e["event"], float(e["objective"]))
                                 for e in events if e["instance"] == "Instance2"]


def _row(name: str, history=()) -> cb.Row:
    return cb.Row(instance=name, staff=8, days=14, status="FEASIBLE", objective=610, bound=None,
                  best_known=607, gap_to_best_pct=0.5, time_to_best_s=3.0, wall_s=10.0,
                  hard_violations=0, workers=2, time_limit_s=10.0, history=list(history))


def test_history_falls_back_on_the_better_rosters_of_the_events():
    events = [(0.5, "start", 900.0), (2.0, "highs:gate", 900.0), (3.0, "lns:window", 610.0),
              (2.5, "lns:block", 700.0), (4.0, "highs:bound", 650.0)]
    assert cb.history_of(_row("Instance1"), events) == [(0.5, 900.0), (2.5, 700.0),
                                                        (3.0, 610.0)]
    kept = [(1.0, 800.0)]
    assert cb.history_of(_row("Instance1", kept), events) == kept
    assert cb.history_of(_row("Instance1"), None) == []


def test_replot_redraws_a_merged_table_without_solving_and_keeps_its_text(tmp_path):
    missing = CliRunner().invoke(cb.app, ["--replot", "--time-limit", "10", "--out",
                                          str(tmp_path)])
    assert missing.exit_code == 2 and "No table to redraw" in missing.output
    events = {"Instance1": [(0.5, "start", 900.0), (3.0, "lns:window", 610.0)]}
    cb.write_tables([_row("Instance1"), _row("Instance2")], tmp_path, "curtois_10s", events)
    md = tmp_path / "curtois_10s.md"
    md.write_text(md.read_text() + "A footnote written by hand.\n")
    run = CliRunner().invoke(cb.app, ["--replot", "--time-limit", "10", "--out", str(tmp_path)])
    assert run.exit_code == 0, run.output
    assert (tmp_path / "curtois_10s.png").stat().st_size > 0
    assert (tmp_path / "curtois_10s_sources.png").stat().st_size > 0
    assert md.read_text().endswith("A footnote written by hand.\n")
