"""Batch runner for the Curtois & Qu benchmark: one solve per instance, results table and plot.

    python -m benchmarks.curtois_batch --time-limit 60 --workers 2 --out benchmarks/results

Reads the instances from `--data` (default: $CURTOIS_DIR or ../shared/benchdata/curtois next to
the project) and never copies them. Each instance runs in its own process (`--jobs` at a time), so
a crash or memory blow-up of one does not take the batch down. Writes
`curtois_<T>s.csv` / `.md` (instance, objective, bound, gap to best known, time to best, wall
time (so a solve that overran its limit shows), workers, machine, the 1-hour CPLEX/Gurobi
figures where published, and what each technique bought: the objective each source of better
rosters took off), `curtois_<T>s_events.csv` (every better roster with where it came from, and
HiGHS's turns beside the LNS), `curtois_<T>s.png` (objective relative to the best known value
over time) and `curtois_<T>s_sources.png` (per instance, each better roster coloured by its
source). `--solutions DIR` keeps each instance's roster as `InstanceN.csv`
(`employee,day,shift`), to be checked with `roster curtois check`. `--replot` solves nothing and
redraws the plots of the table in `--out` (after rows were merged in from other runs; a row read
back from the CSV draws its better rosters from the events table).
"""

from __future__ import annotations

import csv
import os
import platform
import re
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Annotated

import typer

from scheduler.gains import Event, better_rosters, gains

ROOT = Path(__file__).resolve().parents[1]


def data_dir(explicit: Path | None = None) -> Path | None:
    """Where the benchmark files are, or None if absent (callers skip with a reason)."""
    for cand in (explicit, os.environ.get("CURTOIS_DIR"),
                 ROOT.parent / "shared" / "benchdata" / "curtois"):
        if cand and (Path(cand) / "best_known.csv").exists():
            return Path(cand)
    return None


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores"


def instance_number(name: str) -> int:
    m = re.search(r"(\d+)", name)
    return int(m.group(1)) if m else 0


def best_known(folder: Path) -> dict[str, dict[str, int]]:
    with open(folder / "best_known.csv", newline="") as f:
        return {r["instance"]: {"lb": int(r["best_known_lb"]), "ub": int(r["best_known_ub"]),
                                "staff": int(r["staff"]), "days": int(r["days"])}
                for r in csv.DictReader(f)}


def published_1h(folder: Path) -> dict[str, dict[str, int]]:
    """Best 1-hour upper bound published for CPLEX and for Gurobi, per instance."""
    out: dict[str, dict[str, int]] = {}
    path = folder / "published_results.csv"
    if not path.exists():
        return out
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            if r["bound"] != "ub" or not r["time_limit_or_runtime_s"]:
                continue
            if float(r["time_limit_or_runtime_s"]) != 3600:
                continue
            for solver in ("CPLEX", "Gurobi"):
                if solver.lower() in r["method"].lower():
                    cur = out.setdefault(r["instance"], {})
                    v = int(float(r["value"]))
                    cur[solver] = min(v, cur.get(solver, v))
    return out


@dataclass
class Row:
    instance: str
    staff: int
    days: int
    status: str
    objective: int | None
    bound: float | None
    best_known: int
    gap_to_best_pct: float | None
    time_to_best_s: float | None
    wall_s: float
    hard_violations: int | None
    workers: int
    time_limit_s: float
    cplex_1h: int | None = None
    gurobi_1h: int | None = None
    machine: str = ""
    history: list[tuple[float, float]] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)  # scheduler.SolveResult.events


def run_one(path: str, time_limit: float, workers: int, seed: int,
            solutions: Path | None = None, weekends_first: bool = False,
            polish: bool | None = None, mip: bool | None = None,
            layout: bool | None = None) -> Row:
    """Solve one instance (in a worker process) and score it with the checker."""
    from constraints.checker import check_roster
    from instances.curtois import curtois_profile, read_curtois, write_solution_csv
    from scheduler import SolveOptions, solve

    name = Path(path).stem
    inst = read_curtois(path)
    prof = curtois_profile()
    t0 = time.monotonic()
    res = solve(inst, prof, SolveOptions(time_limit=time_limit, workers=workers, seed=seed,
                                         weekends_first=weekends_first, polish=polish,
                                         mip=mip, layout=layout))
    wall = time.monotonic() - t0
    obj = viol = None
    hist: list[tuple[float, float]] = [(t, o) for t, o, _ in res.history]
    if res.roster is not None:
        rep = check_roster(inst, res.roster, prof)
        obj, viol = rep.objective, len(rep.violations)
        if solutions is not None:
            solutions.mkdir(parents=True, exist_ok=True)
            write_solution_csv(inst, res.roster, solutions / f"{name}.csv")
    t_best = None
    if hist and obj is not None:
        t_best = next((t for t, o in hist if round(o) <= obj), hist[-1][0])
    return Row(instance=name, staff=len(inst.employees), days=inst.n_days, status=res.status,
               objective=obj, bound=res.bound, best_known=0, gap_to_best_pct=None,
               time_to_best_s=t_best, wall_s=wall, hard_violations=viol, workers=workers,
               time_limit_s=time_limit, machine=machine(), history=hist,
               events=list(res.events))


def run_batch(folder: Path, names: list[str], time_limit: float, workers: int, jobs: int,
              seed: int = 0, on_row=None, solutions: Path | None = None,
              weekends_first: bool = False, polish: bool | None = None,
              mip: bool | None = None, layout: bool | None = None) -> list[Row]:
    bk, pub = best_known(folder), published_1h(folder)
    rows: list[Row] = []
    with ProcessPoolExecutor(max_workers=max(1, jobs)) as pool:
        futs = {pool.submit(run_one, str(folder / f"{n}.txt"), time_limit, workers, seed,
                            solutions, weekends_first, polish, mip, layout): n
                for n in names}
        for fut in as_completed(futs):
            n = futs[fut]
            try:
                row = fut.result()
            except Exception as err:  # noqa: BLE001 - one failed instance is a row, not a crash
                row = Row(instance=n, staff=0, days=0, status=f"ERROR {type(err).__name__}: "
                          f"{err}", objective=None, bound=None, best_known=0,
                          gap_to_best_pct=None, time_to_best_s=None, wall_s=0.0,
                          hard_violations=None, workers=workers, time_limit_s=time_limit,
                          machine=machine())
            ref = bk.get(n, {})
            row.best_known = ref.get("ub", 0)
            if row.objective is not None and row.best_known:
                row.gap_to_best_pct = 100 * (row.objective - row.best_known) / row.best_known
            row.cplex_1h = pub.get(n, {}).get("CPLEX")
            row.gurobi_1h = pub.get(n, {}).get("Gurobi")
            rows.append(row)
            if on_row:
                on_row(row)
    rows.sort(key=lambda r: instance_number(r.instance))
    return rows


COLUMNS = ["instance", "staff", "days", "status", "objective", "bound", "best_known",
           "gap_to_best_pct", "time_to_best_s", "wall_s", "hard_violations", "workers",
           "time_limit_s", "cplex_1h", "gurobi_1h", "machine"]


def read_rows(path: Path) -> list[Row]:
    """Rows of an earlier results table (to merge a partial re-run into it)."""
    if not path.exists():
        return []
    ints = {"staff", "days", "objective", "best_known", "hard_violations", "workers",
            "cplex_1h", "gurobi_1h"}
    floats = {"bound", "gap_to_best_pct", "time_to_best_s", "wall_s", "time_limit_s"}
    out = []
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            kw = {k: (None if v == "" else int(float(v)) if k in ints else
                      float(v) if k in floats else v) for k, v in r.items()}
            out.append(Row(**kw))
    return out


EVENT_COLUMNS = ["instance", "t_s", "event", "objective"]


def read_events(path: Path) -> dict[str, list[Event]]:
    """An earlier events table, by instance (to merge a partial re-run into it)."""
    out: dict[str, list[Event]] = {}
    if not path.exists():
        return out
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            out.setdefault(r["instance"], []).append(
                (float(r["t_s"]), r["event"], float(r["objective"])))
    return out


def write_events(events: dict[str, list[Event]], path: Path) -> None:
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(EVENT_COLUMNS)
        for name in sorted(events, key=instance_number):
            for t, ev, obj in events[name]:
                w.writerow([name, f"{t:.2f}", ev, f"{obj:g}"])


def sources_table(events: dict[str, list[Event]]) -> list[str]:
    """Markdown lines: per instance, the first roster and the objective each source took off."""
    lines = ["| instance | first roster | objective taken off, by source (better rosters) "
             "| HiGHS's turns |", "|---|---|---|---|"]
    for name in sorted(events, key=instance_number):
        g = gains(events[name])
        if g.first is None:
            continue
        t, ev, obj = g.first
        taken = ", ".join(f"{src} {gain:g} ({n})" for src, (n, gain) in g.ranked()) or "–"
        turns = ", ".join(f"{k} {n}" for k, n in sorted(g.turns.items())) or "–"
        lines.append(f"| {name} | {obj:g} ({ev}, {t:.1f} s) | {taken} | {turns} |")
    return lines


def write_tables(rows: list[Row], out: Path, stem: str,
                 events: dict[str, list[Event]] | None = None) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    csv_path, md_path = out / f"{stem}.csv", out / f"{stem}.md"
    with open(csv_path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS)
        w.writeheader()
        for r in rows:
            d = asdict(r)
            w.writerow({k: d[k] for k in COLUMNS})

    def fmt(v) -> str:
        if v is None:
            return "–"
        if isinstance(v, float):
            return f"{v:.1f}"
        return str(v)

    head = ["instance", "staff", "days", "objective", "best known", "gap %", "bound",
            "time to best s", "wall s", "status", "CPLEX 1 h", "Gurobi 1 h", "≤ CPLEX/Gurobi"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        refs = [v for v in (r.cplex_1h, r.gurobi_1h) if v is not None]
        beats = "–" if not refs or r.objective is None else \
            ("yes" if r.objective <= min(refs) else "no")
        lines.append("| " + " | ".join(fmt(x) for x in (
            r.instance, r.staff, r.days, r.objective, r.best_known, r.gap_to_best_pct,
            r.bound, r.time_to_best_s, r.wall_s, r.status, r.cplex_1h, r.gurobi_1h))
            + f" | {beats} |")
    reached = sum(1 for r in rows if r.objective is not None and r.objective <= r.best_known)
    lines.append("")
    lines.append(f"Best known reached on {reached} of {len(rows)} instances; "
                 f"{rows[0].workers if rows else 0} workers, "
                 f"{rows[0].time_limit_s if rows else 0:g} s per instance; "
                 f"machine: {rows[0].machine if rows else ''}.")
    if events:
        lines += ["", "Where the gains came from (`lns:<kind>`: the LNS's rounds of that kind; "
                  "`highs`: HiGHS beside the LNS; `polish`: HiGHS late in the solve over half "
                  "of the period and every weekend day (scheduler/polish.py); `dive`: the "
                  "dive from the column generation's LP (scheduler/bound.py); `layout`: "
                  "weekends picked from that LP's schedules, weekdays laid by HiGHS "
                  "(scheduler/weekend_layout.py); `sweep`: "
                  "one-person sweeps; `weekends:…`: the "
                  "first stage, planned with whole weekends (scheduler/weekends_first.py); "
                  "events in "
                  f"[{stem}_events.csv]({stem}_events.csv)):", "", *sources_table(events)]
        write_events(events, out / f"{stem}_events.csv")
    md_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return csv_path, md_path


def history_of(row: Row, events: list[Event] | None) -> list[tuple[float, float]]:
    """The row's objective over time; where the table kept none (a row read back from a CSV),
    the better rosters of its events, so a merged table's plot still draws every row it can."""
    if row.history or not events:
        return list(row.history)
    return [(t, obj) for t, _ev, obj in better_rosters(events)]


def plot(rows: list[Row], path: Path, events: dict[str, list[Event]] | None = None) -> None:
    from benchmarks.plotting import Series, objective_over_time

    events = events or {}
    objective_over_time([Series(r.instance, history_of(r, events.get(r.instance)), r.wall_s,
                                r.best_known) for r in rows],
                        path, ylabel="objective / best known", log_y=True, reference=1.0,
                        title="Curtois & Qu benchmark: objective over time")


def plot_sources(rows: list[Row], events: dict[str, list[Event]], path: Path) -> None:
    from benchmarks.plotting import sources_over_time

    sources_over_time([(r.instance, events[r.instance], r.wall_s, r.best_known) for r in rows
                       if r.instance in events],
                      path, title="Where each better roster came from (gap to best known)")


def select_instances(data: Path | None, instances: str) -> tuple[Path, list[str]]:
    """The data folder and the instance names asked for ('all' or comma-separated numbers);
    exit 2 with a message when the data is absent."""
    folder = data_dir(data)
    if folder is None:
        typer.echo("Curtois & Qu data not found: set CURTOIS_DIR or put it in "
                   "../shared/benchdata/curtois", err=True)
        raise typer.Exit(2)
    names = sorted((p.stem for p in folder.glob("Instance*.txt")), key=instance_number)
    if instances != "all":
        wanted = {f"Instance{int(x)}" for x in instances.split(",") if x.strip()}
        names = [n for n in names if n in wanted]
    return folder, names


app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


@app.command()
def main(
    time_limit: Annotated[float, typer.Option(help="Seconds per instance")] = 60.0,
    workers: Annotated[int, typer.Option(help="CP-SAT workers per instance")] = 2,
    jobs: Annotated[int, typer.Option(help="Instances solved at the same time")] = 1,
    instances: Annotated[str, typer.Option(help="Comma-separated numbers, or 'all'")] = "all",
    data: Annotated[Path | None, typer.Option(help="Folder with InstanceN.txt")] = None,
    out: Annotated[Path, typer.Option(help="Results folder")] = ROOT / "benchmarks" / "results",
    seed: int = 0,
    solutions: Annotated[Path | None, typer.Option(
        help="Folder to keep each instance's roster in (InstanceN.csv)")] = None,
    weekends_first: Annotated[bool, typer.Option(
        help="Plan under whole weekends first where the weekends bind "
             "(scheduler/weekends_first.py)")] = False,
    polish: Annotated[bool | None, typer.Option(
        "--polish/--no-polish",
        help="Late in the solve, HiGHS over half of the period and every weekend day "
             "(scheduler/polish.py; default: where the solver's tuning asks for it)")] = None,
    mip: Annotated[bool | None, typer.Option(
        "--mip/--no-mip",
        help="HiGHS on the whole model beside the LNS (scheduler/mip.py; default: where the "
             "solver's tuning asks for it)")] = None,
    layout: Annotated[bool | None, typer.Option(
        "--layout/--no-layout",
        help="Where the weekends bind, the first roster from the weekends picked off the "
             "column generation's schedules and the weekdays laid by HiGHS "
             "(scheduler/weekend_layout.py; default: where the solver's tuning asks for it)")
    ] = None,
    replot: Annotated[bool, typer.Option(
        help="Solve nothing: redraw the plots of the table in --out from its CSV and events "
             "(after rows were merged in from other runs)")] = False,
) -> None:
    if replot:
        stem = f"curtois_{time_limit:g}s"
        rows = read_rows(out / f"{stem}.csv")
        if not rows:
            typer.echo(f"No table to redraw: {out / (stem + '.csv')} is missing or empty",
                       err=True)
            raise typer.Exit(2)
        events = read_events(out / f"{stem}_events.csv")
        plot(rows, out / f"{stem}.png", events)
        plot_sources(rows, events, out / f"{stem}_sources.png")
        typer.echo(f"Redrew {out / (stem + '.png')} and {out / (stem + '_sources.png')}")
        return
    folder, available = select_instances(data, instances)
    typer.echo(f"{len(available)} instances, {time_limit:g} s each, {workers} workers, "
               f"{jobs} at a time; {machine()}")

    stem = f"curtois_{time_limit:g}s"
    # a partial re-run replaces its instances' rows and keeps the others
    done: list[Row] = [r for r in read_rows(out / f"{stem}.csv") if r.instance not in available]
    events = {k: v for k, v in read_events(out / f"{stem}_events.csv").items()
              if k not in available}

    def show(r: Row) -> None:
        gap = "–" if r.gap_to_best_pct is None else f"{r.gap_to_best_pct:.2f} %"
        typer.echo(f"  {r.instance:11s} {r.status:9s} objective {r.objective} "
                   f"(best known {r.best_known}, gap {gap}) {r.wall_s:.0f} s")
        done.append(r)  # checkpoint: a long batch that is stopped keeps what it finished
        if r.events:
            events[r.instance] = r.events
        write_tables(sorted(done, key=lambda x: instance_number(x.instance)), out, stem, events)

    run_batch(folder, available, time_limit, workers, jobs, seed, on_row=show,
              solutions=solutions, weekends_first=weekends_first, polish=polish,
              mip=mip, layout=layout)
    rows = sorted(done, key=lambda x: instance_number(x.instance))
    csv_path, md_path = write_tables(rows, out, stem, events)
    plot(rows, out / f"{stem}.png", events)
    plot_sources(rows, events, out / f"{stem}_sources.png")
    typer.echo(f"Wrote {csv_path}, {md_path}, {out / (stem + '.png')}")


if __name__ == "__main__":
    app()
