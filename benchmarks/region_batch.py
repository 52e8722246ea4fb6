"""Batch runner for generated regions (issue 4): how time, memory and quality grow with size.

    python -m benchmarks.region_batch --sizes 30,100,300,1000 --time-limit 60
    python -m benchmarks.region_batch --sizes 1000 --time-limit 600 --ray auto

Each size is one `region-N` preset (wards, 24-hour care, home care, 5 % float pool, 6 weeks),
solved with `scheduler.solve` (the decomposition is picked by size) and scored by the checker
alone. Runs are local processes by default; `--ray ADDRESS` sends the same function to a Ray
cluster as one task per instance (`--ray local` starts a Ray instance on this machine). Writes
`results/region_<limit>s.{csv,md,png}`: time to the first complete roster, objective, open
shifts, KPIs against the issue's targets, peak memory.
"""

from __future__ import annotations

import csv
import resource
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Annotated

import typer

from benchmarks.curtois_batch import machine

ROOT = Path(__file__).resolve().parent.parent

COLUMNS = ["preset", "employees", "units", "status", "first_roster_s", "wall_s", "objective",
           "penalties", "hard_violations", "open_shifts", "open_shifts_lb", "wishes_fulfilled_pct",
           "strong_overload", "hours_within_4h_pct", "peak_mem_mb", "time_limit_s", "workers",
           "machine"]


@dataclass
class RegionRow:
    preset: str
    employees: int
    units: int
    status: str
    first_roster_s: float | None
    wall_s: float
    objective: int | None
    # the objective less the personnel cost (wages and allowances, ~95 % of it and nearly fixed
    # by the demand): what the rosters really differ in, for comparing runs
    penalties: int | None
    hard_violations: int | None
    open_shifts: int | None
    open_shifts_lb: int  # open shifts no roster can avoid (scheduler.decompose)
    wishes_fulfilled_pct: float | None
    strong_overload: int | None
    hours_within_4h_pct: float | None
    peak_mem_mb: float
    time_limit_s: float
    workers: int
    machine: str
    history: list[tuple[float, float]] = field(default_factory=list)
    by_unit: list[dict] = field(default_factory=list)  # constraints.checker.kpis_by_unit


def _peak_mb() -> float:
    """Peak resident memory of this process plus its largest child (Linux: KiB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round((own + kids) / 1024, 1)


def run_one(preset: str, seed: int, time_limit: float, workers: int) -> RegionRow:
    """Generate, solve and check one region (runs in a worker process or a Ray task)."""
    from constraints.checker import check_roster, kpis_by_unit
    from instances.generator import PRESETS
    from instances.models import Profile
    from scheduler import SolveOptions, solve
    from scheduler.decompose import open_shift_lower_bound

    inst = PRESETS[preset](seed)
    prof = Profile()
    t0 = time.monotonic()
    res = solve(inst, prof, SolveOptions(time_limit=time_limit, workers=workers, seed=seed))
    wall = time.monotonic() - t0
    hist = [(t, o) for t, o, _ in res.history]
    row = RegionRow(preset=preset, employees=len(inst.employees), units=len(inst.units),
                    status=res.status, first_roster_s=hist[0][0] if hist else None,
                    wall_s=round(wall, 1), objective=None, penalties=None,
                    hard_violations=None,
                    open_shifts=None,
                    open_shifts_lb=sum(open_shift_lower_bound(inst).values()),
                    wishes_fulfilled_pct=None, strong_overload=None,
                    hours_within_4h_pct=None, peak_mem_mb=0.0, time_limit_s=time_limit,
                    workers=workers, machine=machine(), history=hist)
    if res.roster is not None:
        rep = check_roster(inst, res.roster, prof)
        k = rep.kpis
        row.objective = rep.objective
        row.penalties = sum(p.total for p in rep.penalties if p.rule != "cost")
        row.hard_violations = len(rep.violations)
        row.open_shifts = k["open_shifts"]
        row.wishes_fulfilled_pct = round(100 * k["wishes_fulfilled"], 1)
        row.strong_overload = k["burdens"]["strong"]
        row.hours_within_4h_pct = round(100 * k["hours_within_tolerance_4h"], 1)
        row.by_unit = kpis_by_unit(inst, rep)
    row.peak_mem_mb = _peak_mb()
    return row


def run_local(presets: list[str], seed: int, time_limit: float, workers: int) -> list[RegionRow]:
    """One fresh process per instance, one after another (the solve itself uses every core)."""
    rows = []
    for p in presets:
        with ProcessPoolExecutor(max_workers=1) as pool:  # fresh process: honest peak memory
            rows.append(pool.submit(run_one, p, seed, time_limit, workers).result())
    return rows


def run_ray(presets: list[str], seed: int, time_limit: float, workers: int,
            address: str) -> list[RegionRow]:
    """The same function as Ray tasks; `address` 'local' starts a Ray instance here."""
    import ray

    ray.init(address=None if address == "local" else address, include_dashboard=False,
             log_to_driver=False, ignore_reinit_error=True,
             runtime_env={"working_dir": str(ROOT), "excludes": [".git", ".venv", "out"]}
             if address not in ("local", "auto") else None)
    task = ray.remote(num_cpus=workers)(run_one)
    try:
        return ray.get([task.remote(p, seed, time_limit, workers) for p in presets])
    finally:
        ray.shutdown()


def write_tables(rows: list[RegionRow], out: Path, stem: str) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    csv_path, md_path = out / f"{stem}.csv", out / f"{stem}.md"
    with csv_path.open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS)
        w.writeheader()
        for r in rows:
            w.writerow({k: v for k, v in asdict(r).items() if k in COLUMNS})

    def cell(v: object) -> str:
        return "–" if v is None else (f"{v:.1f}" if isinstance(v, float) else str(v))

    lines = ["| " + " | ".join(COLUMNS[:-2]) + " |", "|" + "---|" * (len(COLUMNS) - 2)]
    lines += ["| " + " | ".join(cell(getattr(r, c)) for c in COLUMNS[:-2]) + " |" for r in rows]
    if rows:
        lines.append(f"\n{rows[0].workers} workers, {rows[0].time_limit_s:g} s per instance; "
                     f"machine: {rows[0].machine}.")
    md_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    units = [dict(preset=r.preset, **u) for r in rows for u in r.by_unit]
    if units:  # which units hold each region back (wishes, strong overload, hours)
        with (out / f"{stem}_units.csv").open("w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(units[0]))
            w.writeheader()
            w.writerows(units)
    return csv_path, md_path


def plot(rows: list[RegionRow], path: Path) -> None:
    from benchmarks.plotting import Series, objective_over_time

    objective_over_time([Series(f"{r.employees} employees", r.history, r.wall_s, r.employees)
                         for r in rows if r.objective], path,
                        ylabel="objective per employee (lower is better)",
                        title="Region rosters: objective over time "
                              f"({rows[0].workers if rows else 2} cores)")


app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


@app.command()
def main(
    sizes: Annotated[str, typer.Option(help="Comma-separated region sizes")] = "30,100,300,1000",
    presets: Annotated[str | None, typer.Option(
        help="Comma-separated generator presets instead of sizes (e.g. demo,mixed)")] = None,
    time_limit: Annotated[float, typer.Option(help="Seconds per instance")] = 60.0,
    workers: Annotated[int, typer.Option(help="Cores per instance")] = 2,
    seed: int = 0,
    ray: Annotated[str | None, typer.Option(
        "--ray", help="Ray cluster address ('auto', 'ray://host:10001') or 'local'")] = None,
    out: Annotated[Path, typer.Option(help="Results folder")] = ROOT / "benchmarks" / "results",
) -> None:
    names = ([p.strip() for p in presets.split(",") if p.strip()] if presets
             else [f"region-{int(s)}" for s in sizes.split(",") if s.strip()])
    typer.echo(f"{len(names)} regions, {time_limit:g} s each, {workers} workers; "
               f"{'Ray ' + ray if ray else 'local processes'}; {machine()}")
    rows = (run_ray(names, seed, time_limit, workers, ray) if ray
            else run_local(names, seed, time_limit, workers))
    for r in rows:
        typer.echo(f"  {r.preset:12s} {r.status:9s} first roster {r.first_roster_s} s, "
                   f"objective {r.objective}, open shifts {r.open_shifts} (≥ {r.open_shifts_lb}), "
                   f"peak {r.peak_mem_mb} MB")
    stem = f"region_{time_limit:g}s"
    csv_path, md_path = write_tables(rows, out, stem)
    plot(rows, out / f"{stem}.png")
    typer.echo(f"Wrote {csv_path}, {md_path}, {out / (stem + '.png')}")


if __name__ == "__main__":
    app()
