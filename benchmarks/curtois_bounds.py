"""Proven lower bounds for the Curtois & Qu instances (scheduler/bound.py), beside our results.

    python -m benchmarks.curtois_bounds --time-limit 120 --workers 2 --out benchmarks/results

For each instance: the column-generation bound, whether it converged, its time, and how far our
objective in a results table (`--against`, default the committed 600-s one) and the best known
value are above it. A gap of 0 proves that roster optimal. Writes `curtois_bounds.csv` / `.md`.
Each instance runs in its own process, so one that fails is a row, not a crash.
"""

from __future__ import annotations

import csv
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Annotated

import typer

from benchmarks.curtois_batch import ROOT, best_known, machine, read_rows, select_instances


@dataclass
class BoundRow:
    instance: str
    staff: int
    days: int
    bound: int | None
    lagrangian: float | None
    lp: float | None
    converged: bool
    iterations: int
    schedules: int
    seconds: float
    best_known: int
    ours: int | None = None  # our objective in the `--against` table
    ours_gap_pct: float | None = None  # (ours − bound) / bound
    best_known_gap_pct: float | None = None
    note: str = ""
    machine: str = ""


def bound_one(path: str, time_limit: float, workers: int,
              smoothing: float | None = None) -> BoundRow:
    from instances.curtois import curtois_profile, read_curtois
    from scheduler.bound import lower_bound

    inst = read_curtois(path)
    res = lower_bound(inst, curtois_profile(), time_limit, workers=workers, smoothing=smoothing)
    return BoundRow(instance=Path(path).stem, staff=len(inst.employees), days=inst.n_days,
                    bound=res.bound, lagrangian=res.lagrangian, lp=res.lp,
                    converged=res.converged, iterations=res.iterations, schedules=res.columns,
                    seconds=res.elapsed, best_known=0, machine=machine())


def _gap(value: int | None, bound: int | None) -> float | None:
    if value is None or bound is None or bound <= 0:
        return None
    return 100 * (value - bound) / bound


def write_tables(rows: list[BoundRow], out: Path, time_limit: float, against: str,
                 smoothing: float | None = None) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    cols = list(BoundRow.__dataclass_fields__)
    with open(out / "curtois_bounds.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=cols)
        w.writeheader()
        for r in rows:
            w.writerow(asdict(r))

    def fmt(v, digits: int = 1) -> str:
        if v is None:
            return "–"
        return f"{v:.{digits}f}" if isinstance(v, float) else str(v)

    head = ["instance", "staff", "days", "lower bound", "converged", "s", "best known",
            "best known above bound %", f"ours ({against})", "ours above bound %", "note"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        lines.append("| " + " | ".join([
            r.instance, str(r.staff), str(r.days), fmt(r.bound), "yes" if r.converged else "no",
            fmt(r.seconds, 0), str(r.best_known), fmt(r.best_known_gap_pct, 2), fmt(r.ours),
            fmt(r.ours_gap_pct, 2), r.note]) + " |")
    proven = [r.instance for r in rows if r.ours is not None and r.ours == r.bound]
    from scheduler.bound import SMOOTHING

    alpha = SMOOTHING if smoothing is None else smoothing
    lines += ["", f"Column generation, at most {time_limit:g} s per instance, dual smoothing "
              f"{alpha:g}{' (off)' if alpha == 0 else ''}, "
              f"{rows[0].machine if rows else ''}. Our roster proven optimal (objective = bound) "
              f"on: {', '.join(proven) or 'none'}."]
    path = out / "curtois_bounds.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


@app.command()
def main(
    time_limit: Annotated[float, typer.Option(help="Seconds per instance")] = 120.0,
    workers: Annotated[int, typer.Option(help="Pricing problems solved at once")] = 2,
    instances: Annotated[str, typer.Option(help="Comma-separated numbers, or 'all'")] = "all",
    data: Annotated[Path | None, typer.Option(help="Folder with InstanceN.txt")] = None,
    against: Annotated[Path, typer.Option(help="Results table with our objectives")] =
        ROOT / "benchmarks" / "results" / "curtois_600s.csv",
    out: Annotated[Path, typer.Option(help="Results folder")] = ROOT / "benchmarks" / "results",
    smoothing: Annotated[float | None, typer.Option(
        help="Dual smoothing weight, 0 to turn it off (default: the solver's)")] = None,
) -> None:
    folder, names = select_instances(data, instances)
    bk = best_known(folder)
    ours = {r.instance: r.objective for r in read_rows(against)}
    rows: list[BoundRow] = []
    for n in names:
        with ProcessPoolExecutor(max_workers=1) as pool:
            try:
                row = pool.submit(bound_one, str(folder / f"{n}.txt"), time_limit,
                                  workers, smoothing).result()
            except Exception as err:  # noqa: BLE001 - one failed instance is a row
                row = BoundRow(instance=n, staff=0, days=0, bound=None, lagrangian=None,
                               lp=None, converged=False, iterations=0, schedules=0,
                               seconds=0.0, best_known=0,
                               note=f"{type(err).__name__}: {err}", machine=machine())
        row.best_known = bk.get(n, {}).get("ub", 0)
        row.ours = ours.get(n)
        row.ours_gap_pct = _gap(row.ours, row.bound)
        row.best_known_gap_pct = _gap(row.best_known or None, row.bound)
        rows.append(row)
        state = "converged" if row.converged else "not converged"
        typer.echo(f"  {n:11s} bound {row.bound} ({state}, {row.seconds:.0f} s); "
                   f"best known {row.best_known}, ours {row.ours}")
        write_tables(rows, out, time_limit, against.stem, smoothing)  # checkpoint
    typer.echo(f"Wrote {write_tables(rows, out, time_limit, against.stem, smoothing)}")


if __name__ == "__main__":
    app()
