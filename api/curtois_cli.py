"""`roster curtois …`: solve and check Curtois & Qu benchmark instances (schedulingbenchmarks.org).

The instance is read into the project's own model and solved by the same scheduler and rule
modules as a Finnish roster; the objective printed is the checker's, which equals the benchmark's
(weights of requests not granted + weighted cover under/over). Errors are messages with exit code
2, never tracebacks; `check` exits 1 when the solution breaks a hard rule.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from api.progress import solve_with_bar
from instances.validation import InputError

curtois_app = typer.Typer(add_completion=False, no_args_is_help=True,
                          pretty_exceptions_enable=False,
                          help="Curtois & Qu shift-scheduling benchmark: solve and check.")
console = Console()
err_console = Console(stderr=True)


def _fail(messages: list[str]) -> None:
    err_console.print("[bold red]Virheellinen syöte (bad input):[/]")
    for m in messages:
        err_console.print(f"  • {escape(m)}")
    raise typer.Exit(2)


def _report(inst, roster, label: str) -> int:
    """Print the checker's hard violations and objective; return the number of violations."""
    from constraints.checker import check_roster
    from instances.curtois import curtois_profile

    rep = check_roster(inst, roster, curtois_profile())
    parts = Counter()
    for p in rep.penalties:
        parts[p.rule] += p.total
    if rep.violations:
        console.print(f"[bold red]{len(rep.violations)} hard violations:[/]")
        for v in rep.violations[:50]:
            console.print(f"  • {escape(f'[{v.rule}]')} {escape(v.message)}")
        if len(rep.violations) > 50:
            console.print(f"  … and {len(rep.violations) - 50} more")
    else:
        console.print("[bold green]No hard violations.[/]")
    detail = ", ".join(f"{k} {v}" for k, v in sorted(parts.items()))
    console.print(f"{label}: objective {rep.objective}" + (f" ({detail})" if detail else ""))
    return len(rep.violations)


@curtois_app.command("solve")
def solve_cmd(
    instance: Annotated[Path, typer.Argument(help="Benchmark instance InstanceN.txt")],
    time_limit: Annotated[float, typer.Option(help="Time budget in seconds")] = 60.0,
    workers: Annotated[int, typer.Option(help="CP-SAT worker threads")] = 2,
    seed: Annotated[int, typer.Option(help="Solver random seed")] = 0,
    out: Annotated[Path | None, typer.Option(
        help="Solution CSV to write (employee,day,shift)")] = None,
    two_phase: Annotated[bool | None, typer.Option(
        "--two-phase/--one-phase",
        help="Build a valid roster first, then improve it by LNS (default: by model size, as "
             "the batch runner)")] = None,
    weekends_first: Annotated[bool, typer.Option(
        help="Where the weekends' cover outruns what the staff may work at weekends, plan the "
             "first half of the time with whole weekends, then without")] = False,
    polish: Annotated[bool | None, typer.Option(
        "--polish/--no-polish",
        help="Late in the solve, HiGHS over half of the period and every weekend day, from "
             "the best roster (default: where the solver's tuning asks for it)")] = None,
    mip: Annotated[bool | None, typer.Option(
        "--mip/--no-mip",
        help="HiGHS on the whole model beside the local search (default: where the solver's "
             "tuning asks for it)")] = None,
    layout: Annotated[bool | None, typer.Option(
        "--layout/--no-layout",
        help="Where the weekends bind: each person's weekends picked from the column "
             "generation's schedules, then the weekdays laid by HiGHS, as the first roster "
             "(default: where the solver's tuning asks for it)")] = None,
    prove: Annotated[float, typer.Option(
        help="After the solve, seconds of column generation to prove a lower bound and print "
             "how far the roster can be from the best possible (0: off)")] = 0.0,
) -> None:
    """Solve a benchmark instance; print objective, bound and the checker's verdict."""
    from instances.curtois import curtois_profile, read_curtois, write_solution_csv
    from scheduler import SolveOptions

    try:
        inst = read_curtois(instance)
    except InputError as err:
        _fail(err.messages)
    prof = curtois_profile()
    console.print(f"[bold]{inst.name}[/]: {len(inst.employees)} staff, "
                  f"{len(inst.shift_types)} shift types, {inst.n_days} days; "
                  f"{time_limit:g} s, {workers} workers, seed {seed}")
    res = solve_with_bar(console, inst, prof, SolveOptions(
        time_limit=time_limit, workers=workers, seed=seed, two_phase=two_phase,
        weekends_first=weekends_first, polish=polish, mip=mip, layout=layout))
    if not res.ok or res.roster is None:
        err_console.print(f"[bold red]No solution: {res.status}[/] after {res.wall_time:.1f} s "
                          "(give more time with --time-limit).")
        raise typer.Exit(2)
    bound = "–" if res.bound is None else f"{res.bound:.0f}"
    console.print(f"{res.status}: objective {res.objective:.0f}, bound {bound}, "
                  f"{res.wall_time:.1f} s")
    if res.events:
        from scheduler.gains import summary

        console.print(f"Where the gains came from: {escape(summary(res.events))}")
    if out is not None:
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            write_solution_csv(inst, res.roster, out)
        except OSError as err:
            _fail([f"{out}: cannot write ({err.strerror or err})"])
        console.print(f"Wrote {out}")
    if prove > 0:
        _prove(inst, res.objective, prove, workers)
    if _report(inst, res.roster, "Checker") > 0:
        raise typer.Exit(1)


def _prove(inst, objective: float, time_limit: float, workers: int) -> None:
    from instances.curtois import curtois_profile
    from scheduler.bound import NotDecomposable, lower_bound

    try:
        with console.status(f"Proving a lower bound (up to {time_limit:g} s)…"):
            lb = lower_bound(inst, curtois_profile(), time_limit, workers=workers)
    except NotDecomposable as err:
        err_console.print(f"No lower bound: {escape(str(err))}")
        return
    if lb.bound is None:
        console.print(f"No lower bound within {time_limit:g} s (give more with --prove).")
    elif objective <= lb.bound:
        console.print(f"[bold green]Proven optimal[/]: lower bound {lb.bound}.")
    else:
        gap = 100 * (objective - lb.bound) / max(1, lb.bound)
        console.print(f"Lower bound {lb.bound}: the roster is at most {gap:.2f} % above the "
                      f"best possible ({lb.elapsed:.1f} s of column generation).")


@curtois_app.command("check")
def check_cmd(
    instance: Annotated[Path, typer.Argument(help="Benchmark instance InstanceN.txt")],
    solution: Annotated[Path, typer.Argument(help="Solution CSV (employee,day,shift)")],
) -> None:
    """Check a solution with the checker alone: hard violations and objective (exit 1 if any)."""
    from instances.curtois import read_curtois, read_solution_csv

    try:
        inst = read_curtois(instance)
        roster = read_solution_csv(inst, solution)
    except InputError as err:
        _fail(err.messages)
    if _report(inst, roster, "Checker") > 0:
        raise typer.Exit(1)


@curtois_app.command("bound")
def bound_cmd(
    instance: Annotated[Path, typer.Argument(help="Benchmark instance InstanceN.txt")],
    time_limit: Annotated[float, typer.Option(help="Time budget in seconds")] = 120.0,
    workers: Annotated[int, typer.Option(help="Pricing problems solved at once")] = 2,
) -> None:
    """Prove a lower bound on the objective by column generation (no roster can cost less)."""
    from instances.curtois import curtois_profile, read_curtois
    from scheduler.bound import NotDecomposable, lower_bound

    try:
        inst = read_curtois(instance)
        with console.status(f"Column generation on {inst.name} (up to {time_limit:g} s)…"):
            res = lower_bound(inst, curtois_profile(), time_limit, workers=workers)
    except (InputError, NotDecomposable) as err:
        _fail(getattr(err, "messages", None) or [str(err)])
    state = "converged" if res.converged else "stopped at the time limit"
    if res.bound is None:
        err_console.print(f"{inst.name}: no lower bound within {time_limit:g} s: some "
                          "employee's first schedule took longer (give more with --time-limit).")
        raise typer.Exit(1)
    console.print(f"{inst.name}: lower bound [bold]{res.bound}[/] (Lagrangian "
                  f"{res.lagrangian:.2f}, master LP {res.lp:.2f}; {state} after "
                  f"{res.iterations} iterations, {res.columns} schedules, {res.elapsed:.1f} s)")
