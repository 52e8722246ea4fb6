"""`roster` command line: generate, solve, check, export, rules.

Errors are messages and exit codes, never tracebacks: 0 ok, 1 hard violations found (check),
2 bad input or no roster possible.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from api.progress import progress_line, solve_with_bar  # noqa: F401 - progress_line re-exported
from instances.models import Instance, Roster
from instances.validation import InputError

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Työvuorosuunnittelu — roster optimizer for wellbeing services counties.")
console = Console()
err_console = Console(stderr=True)

SHIFT_STYLE = {"A": "black on bright_cyan", "I": "black on bright_yellow",
               "Y": "white on blue", "P": "black on bright_green", "V": "dim",
               "L": "black on magenta", "K": "black on magenta", "S": "black on red"}


def _load_instance(path: Path | None) -> Instance:
    """JSON file, a folder of CSV tables, or an Excel workbook (see instances/tabular.py)."""
    from instances.io import read_instance

    if path is None:
        from instances.generator import load_demo

        return load_demo()
    if path.is_dir():
        from instances.tabular import read_csv_dir

        return read_csv_dir(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from instances.tabular import read_workbook

        if not path.exists():
            raise InputError([f"{path}: file not found"])
        return read_workbook(path)
    return read_instance(path)


def _profile(name: str):
    from instances.profiles import get_profile

    try:
        return get_profile(name)
    except KeyError as err:
        raise InputError([str(err.args[0])]) from None


def print_grid(inst: Instance, roster: Roster, open_rows: list[dict] | None = None) -> None:
    from api.report import day_codes

    codes = day_codes(inst, roster)
    for unit in inst.units:
        emps = [e for e in inst.employees if e.home_unit == unit.id]
        if not emps:
            continue
        head = Text(f"{unit.name} ({unit.id})".ljust(22), style="bold")
        for d, day in enumerate(inst.days):
            if d and d % 7 == 0:
                head.append(" ")
            head.append("mtktpls"[day.weekday()],
                        style="bold red" if day.weekday() >= 5 or day in inst.holiday_set
                        else "bold")
        console.print(head)
        for emp in emps:
            line = Text(f"{emp.name[:21]:<22}")
            for d, c in enumerate(codes[emp.id]):
                if d and d % 7 == 0:
                    line.append(" ")
                line.append((c or "·")[0], style=SHIFT_STYLE.get(c, ""))
            console.print(line)
        console.print()
    if open_rows:
        console.print(f"[bold red]Avoimet vuorot (open shifts): "
                      f"{sum(r['count'] for r in open_rows)}[/]")
        for r in open_rows[:20]:
            console.print(f"  {r['unit']} {r['date']} {r['shift']} "
                          f"{r['competence'] or 'henkilö'} × {r['count']} ({r['cost_eur']:.0f} €)")
        if len(open_rows) > 20:
            console.print(f"  … and {len(open_rows) - 20} more (see the report)")


def print_kpis(kpis: dict[str, Any], title: str = "Tunnusluvut (KPIs)") -> None:
    from api.report import kpi_rows

    t = Table(title=title, show_header=True, header_style="bold")
    t.add_column("KPI")
    t.add_column("arvo (value)", justify="right")
    for k, v in kpi_rows(kpis):
        t.add_row(k, v)
    console.print(t)


# Units listed by `solve` and `check` (the worst first); the report.json has them all.
UNITS_SHOWN = 12


def print_units(inst: Instance, rep) -> None:
    """Per-unit KPIs of a multi-unit roster, the units furthest from the targets first."""
    from constraints.checker import kpis_by_unit

    if len(inst.units) < 2:
        return
    rows = sorted(kpis_by_unit(inst, rep), key=lambda r: (-r["open_shifts"],
                  -r["strong_overload"], r["wishes_fulfilled_pct"], r["hours_within_4h_pct"]))
    t = Table(title="Yksiköt (units), heikoimmat ensin: worst first", header_style="bold")
    for col in ("yksikkö (unit)", "tyyppi (kind)", "hlö", "avoimet vuorot", "toiveet",
                "voim. ylikuorm.", "tunnit ± 4 h"):
        t.add_column(col, justify="left" if col.startswith(("yks", "tyy")) else "right")
    for r in rows[:UNITS_SHOWN]:
        t.add_row(f"{r['unit']} {r['name']}", r["kind"], str(r["employees"]),
                  str(r["open_shifts"]), f"{r['wishes_fulfilled_pct']:.1f} %",
                  str(r["strong_overload"]), f"{r['hours_within_4h_pct']:.1f} %")
    console.print(t)
    if len(rows) > UNITS_SHOWN:
        console.print(f"… and {len(rows) - UNITS_SHOWN} more units (all in report.json, "
                      "'kpis_by_unit').")


@app.command()
def generate(
    preset: Annotated[str, typer.Option(help="Instance preset (demo, ward-30, small, …)")] = "demo",
    seed: Annotated[int, typer.Option(help="Random seed")] = 0,
    out: Annotated[Path, typer.Option(help="Output JSON file")] = Path("instance.json"),
) -> None:
    """Generate a realistic Finnish instance (units, staff, demand, wishes, leave)."""
    from instances.generator import PRESETS
    from instances.io import write_instance

    if preset not in PRESETS:
        raise InputError([f"unknown preset '{preset}'; choose one of {', '.join(PRESETS)}"])
    inst = PRESETS[preset](seed)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_instance(inst, out)
    console.print(f"Wrote {out}: {len(inst.units)} units, {len(inst.employees)} employees, "
                  f"{inst.weeks} weeks from {inst.start}, {len(inst.demand)} demand rows, "
                  f"{len(inst.wishes)} wishes, {len(inst.absences)} absences.")


@app.command()
def solve(
    instance: Annotated[Path | None, typer.Argument(
        help="Instance: JSON, a folder of CSV tables or an Excel workbook (default: the demo)")]
    = None,
    profile: Annotated[str, typer.Option(help="balanced, ergonomics, wishes, cost, continuity")]
    = "balanced",
    time_limit: Annotated[float, typer.Option(help="Time budget in seconds")] = 45.0,
    workers: Annotated[int, typer.Option(help="CP-SAT worker threads")] = 2,
    seed: Annotated[int, typer.Option(help="Solver random seed")] = 0,
    out: Annotated[Path, typer.Option(help="Output folder")] = Path("out"),
    grid: Annotated[bool, typer.Option(help="Print the roster grid")] = True,
    hint: Annotated[Path | None, typer.Option(
        help="Warm start: a roster CSV of this period (published or earlier run) to improve")]
    = None,
    previous: Annotated[Path | None, typer.Option(
        help="Warm start from the previous period's roster CSV: its rotation is repeated onto "
             "this period (leave and leavers dropped) and is the reference of the continuity "
             "profile")] = None,
    decompose: Annotated[bool | None, typer.Option(
        "--decompose/--whole",
        help="Allocate the float pool and solve units in parallel (default: on for several "
             "units above 80 employees)")] = None,
) -> None:
    """Solve a planning period: prints the roster and KPIs, writes CSV, Excel and a JSON report."""
    from api.excel import export_xlsx
    from constraints.checker import check_roster
    from instances.io import write_roster_csv
    from scheduler import SolveOptions, explain_infeasibility

    prof = _profile(profile)
    inst = _load_instance(instance)
    start_roster = None
    if hint is not None and previous is not None:
        raise InputError(["give --hint (a roster of this period) or --previous (the previous "
                          "period's roster), not both"])
    if hint is not None:
        from instances.io import read_roster_csv

        start_roster = read_roster_csv(hint, inst)
    if previous is not None:
        from instances.io import read_roster_csv
        from instances.rollover import carry_forward

        try:
            carried = carry_forward(read_roster_csv(previous, inst).assignments, inst,
                                    source=str(previous))
        except InputError as err:  # a roster of this period: say which option takes it
            raise InputError([*err.messages, "a roster of this period is given with --hint"]) \
                from None
        console.print(f"Previous period: {carried.summary()}.")
        start_roster = Roster(assignments=carried.assignments)
        if inst.reference_roster is None:
            inst = inst.model_copy(update={"reference_roster": carried.assignments})
    console.print(f"[bold]{inst.name}[/]: {len(inst.employees)} employees, {len(inst.units)} "
                  f"units, {inst.n_days} days from {inst.start}; profile {prof.name}, "
                  f"{time_limit:g} s, {workers} workers")
    res = solve_with_bar(console, inst, prof, SolveOptions(
        time_limit=time_limit, workers=workers, seed=seed, hint=start_roster,
        decompose=decompose))
    if not res.ok:
        err_console.print(f"[bold red]No roster: {res.status}[/] after {res.wall_time:.1f} s.")
        if res.status == "INFEASIBLE":
            err_console.print("These hard rules cannot all hold together:")
            for line in explain_infeasibility(inst, prof, time_limit=min(60.0, time_limit)):
                err_console.print(f"  • {line}")
        else:
            err_console.print("No roster was found within the time budget; give more time "
                              "(--time-limit).")
        raise typer.Exit(2)
    assert res.roster is not None
    rep = check_roster(inst, res.roster, prof)
    rep.kpis["planning_time_s"] = round(res.wall_time, 1)
    if grid:
        print_grid(inst, res.roster, rep.metrics.get("open_shifts"))
    print_kpis(rep.kpis)
    print_units(inst, rep)
    bound = "–" if res.bound is None else f"{res.bound:,.0f}"
    gap = "" if res.bound is None else \
        f", gap {100 * (res.objective - res.bound) / max(1.0, abs(res.objective)):.2f} %"
    console.print(f"{res.status}: objective {res.objective:,.0f} (checker {rep.objective:,.0f}), "
                  f"bound {bound}{gap}, {res.wall_time:.1f} s".replace(",", " "))
    if res.open_shift_lower_bound is not None:
        unavoidable = {u: n for u, n in res.open_shift_lower_bound.items() if n}
        console.print(f"{res.parts} units solved in parallel; open shifts no roster can avoid "
                      f"(too few people for the minimum): {sum(unavoidable.values())}"
                      + (f" ({', '.join(f'{u} {n}' for u, n in unavoidable.items())})"
                         if unavoidable else ""))
    out.mkdir(parents=True, exist_ok=True)
    write_roster_csv(res.roster, out / "roster.csv")
    export_xlsx(inst, res.roster, out / "roster.xlsx", kpis=rep.kpis,
                open_shifts=rep.metrics.get("open_shifts"))
    _write_report(out / "report.json", rep, res, inst)
    console.print(f"Wrote {out / 'roster.csv'}, {out / 'roster.xlsx'}, {out / 'report.json'}")
    if rep.violations:
        err_console.print(f"[bold red]{len(rep.violations)} hard violations (a bug):[/]")
        for v in rep.violations[:20]:
            err_console.print(f"  • {v.message}")
        raise typer.Exit(1)


def _write_report(path: Path, rep, res=None, inst: Instance | None = None) -> None:
    from constraints.checker import kpis_by_unit

    data = {
        "kpis": rep.kpis,
        "kpis_by_unit": kpis_by_unit(inst, rep) if inst is not None else [],
        "violations": [{"rule": v.rule, "employee": v.employee, "date": str(v.date or ""),
                        "message": v.message} for v in rep.violations],
        "penalties": [{"rule": p.rule, "level": p.level.value if p.level else None,
                       "employee": p.employee, "date": str(p.date or ""), "amount": p.amount,
                       "weight": p.weight, "message": p.message}
                      for p in rep.penalties if p.term != "cost_cent"],
        "open_shifts": rep.metrics.get("open_shifts", []),
        "wishes_per_employee": rep.metrics.get("wishes_per_employee", {}),
        "hours_per_employee": rep.metrics.get("planned_minutes", {}),
        "fairness": rep.metrics.get("fairness", {}),
        "cost_breakdown": rep.metrics.get("cost_breakdown", {}),
    }
    if res is not None:
        data["solve"] = {"status": res.status, "objective": res.objective, "bound": res.bound,
                         "wall_time_s": res.wall_time, "parts": res.parts}
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False, default=str),
                    encoding="utf-8")


@app.command()
def check(
    instance: Annotated[Path, typer.Argument(help="Instance: JSON, CSV folder or Excel workbook")],
    roster: Annotated[Path, typer.Argument(help="Roster CSV (employee,date,shift,unit)")],
    profile: Annotated[str, typer.Option(help="Profile whose weights price the penalties")]
    = "balanced",
    details: Annotated[bool, typer.Option(help="List every penalty with its justification")]
    = False,
) -> None:
    """Check a roster with the independent checker: hard violations and KPIs (exit 1 if any)."""
    from constraints.checker import check_roster
    from instances.io import read_roster_csv

    inst = _load_instance(instance)
    ros = read_roster_csv(roster, inst)
    rep = check_roster(inst, ros, _profile(profile))
    if rep.violations:
        console.print(f"[bold red]{len(rep.violations)} hard violations:[/]")
        for v in rep.violations:
            console.print(f"  • [{v.rule}] {v.message}", markup=False)
    else:
        console.print("[bold green]No hard violations.[/]")
    if details:
        for p in sorted(rep.penalties, key=lambda p: (p.rule, p.employee or "")):
            if p.term != "cost_cent":
                console.print(f"  - [{p.rule}{'/' + p.level.value if p.level else ''}] "
                              f"{p.message}  ({p.total:,})".replace(",", " "), markup=False)
    print_kpis(rep.kpis)
    print_units(inst, rep)
    if rep.violations:
        raise typer.Exit(1)


@app.command()
def export(
    roster: Annotated[Path, typer.Argument(help="Roster CSV")],
    xlsx: Annotated[Path, typer.Option(help="Excel file to write")] = Path("roster.xlsx"),
    instance: Annotated[Path | None, typer.Option(
        help="Instance JSON the roster belongs to (default: the embedded demo)")] = None,
) -> None:
    """Export a roster to Excel: a coloured grid per unit, KPI sheet, open shifts."""
    from api.excel import export_xlsx
    from constraints.checker import check_roster
    from instances.io import read_roster_csv

    inst = _load_instance(instance)
    ros = read_roster_csv(roster, inst)
    rep = check_roster(inst, ros)
    xlsx.parent.mkdir(parents=True, exist_ok=True)
    export_xlsx(inst, ros, xlsx, kpis=rep.kpis, open_shifts=rep.metrics.get("open_shifts"))
    console.print(f"Wrote {xlsx}")


@app.command()
def convert(
    source: Annotated[Path, typer.Argument(help="Instance: JSON, CSV folder or Excel workbook")],
    out: Annotated[Path, typer.Option(help="Write .json, .xlsx, or a folder of CSV tables")]
    = Path("instance.json"),
) -> None:
    """Validate an instance and write it in another format (JSON, Excel, CSV folder)."""
    from instances.io import write_instance
    from instances.tabular import write_csv_dir, write_workbook

    inst = _load_instance(source)
    if out.suffix.lower() == ".json":
        out.parent.mkdir(parents=True, exist_ok=True)
        write_instance(inst, out)
    elif out.suffix.lower() == ".xlsx":
        out.parent.mkdir(parents=True, exist_ok=True)
        write_workbook(inst, out)
    else:
        write_csv_dir(inst, out)
    console.print(f"Valid: {len(inst.employees)} employees, {len(inst.units)} units. Wrote {out}")


@app.command()
def rules() -> None:
    """List the rule catalogue."""
    from constraints import RULES

    t = Table(title="Säännöt (rules)")
    for c in ("id", "kind", "rule", "source"):
        t.add_column(c)
    for r in RULES:
        t.add_row(r.id, r.kind, r.title, r.source)
    console.print(t)


from api.curtois_cli import curtois_app  # noqa: E402 - sub-app registered after the commands

app.add_typer(curtois_app, name="curtois")

token_app = typer.Typer(add_completion=False, no_args_is_help=True,
                        help="Service sign-in tokens (stored hashed).")
app.add_typer(token_app, name="token")


@app.command()
def serve(host: str = typer.Option("127.0.0.1", help="Address to listen on"),
          port: int = typer.Option(8000, help="Port"),
          db: str = typer.Option("", help="Database URL (default: $DATABASE_URL or "
                                 "./roster-data/roster.db)"),
          jobs: int = typer.Option(2, help="Solve jobs at once, each in its own process"),
          demo: bool = typer.Option(True, help="Store the demo period on an empty database"),
          ) -> None:
    """Start the service (API, docs at /docs) on SQLite by default, PostgreSQL by URL."""
    import uvicorn

    from api.app import bootstrap_token, create_app
    from api.settings import Settings

    settings = Settings(**({"database_url": db} if db else {}), max_jobs=jobs)
    token = bootstrap_token(settings)
    if token:
        console.print(f"[bold]Ensimmäinen käynnistys (first start).[/] Planner token, shown "
                      f"once — keep it:\n  {token}")
        if demo:
            _store_demo(settings)
    console.print(f"Tietokanta (database): {settings.database_url}\n"
                  f"API docs: http://{host}:{port}/docs")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")


def _store_demo(settings) -> None:  # noqa: ANN001
    from api.db import StoredInstance, sessions
    from instances.generator import load_demo

    inst = load_demo()
    with sessions(settings.database_url)() as s:
        s.add(StoredInstance(name=inst.name, data=inst.model_dump(mode="json"),
                             units=[u.id for u in inst.units], employees=len(inst.employees),
                             start=inst.start.isoformat(), weeks=inst.weeks,
                             created_by="roster serve (demo)"))
        s.commit()


@token_app.command("create")
def token_create(name: str = typer.Argument(..., help="Who the token is for"),
                 role: str = typer.Option("planner", help="planner | manager | employee"),
                 units: str = typer.Option("", help="A manager's units, comma-separated"),
                 employee: str = typer.Option("", help="An employee's id"),
                 db: str = typer.Option("", help="Database URL")) -> None:
    """Create a token and print it (only its hash is stored)."""
    from api.auth import new_token
    from api.db import migrate, sessions
    from api.settings import Settings

    settings = Settings(**({"database_url": db} if db else {}))
    migrate(settings.database_url)
    with sessions(settings.database_url)() as s:
        try:
            plain = new_token(s, name, role, units=[u for u in units.split(",") if u],
                              employee=employee or None)
        except ValueError as err:
            raise InputError([f"token: {err}"]) from None
    console.print(plain)


def main() -> None:
    """Entry point: user errors become messages with exit code 2, never tracebacks."""
    try:
        app(standalone_mode=True)
    except InputError as err:
        err_console.print("[bold red]Virheellinen syöte (bad input):[/]")
        for m in err.messages:
            err_console.print(f"  • {m}")
        sys.exit(2)
    except (OSError, MemoryError) as err:
        err_console.print(f"[bold red]Virhe (error):[/] {err}")
        sys.exit(2)
    except Exception as err:  # noqa: BLE001 - the user gets a message, never a traceback
        err_console.print(f"[bold red]Sisäinen virhe (internal error):[/] {type(err).__name__}: "
                          f"{err}. Please report it with the input that caused it.")
        sys.exit(3)


if __name__ == "__main__":
    main()
