"""Solve with a progress bar: one place for the line a planner watches during a long solve."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn


def progress_line(p) -> str:
    """One line of solve progress in the planner's terms: parts, objective, bound, open shifts."""
    parts = f"osa {p.part}/{p.parts}"
    if p.parts_done is not None:
        parts = f"yksiköt (units) {p.parts_done}/{p.parts}"
    obj = "–" if p.objective is None else f"{p.objective:,.0f}".replace(",", " ")
    bound = "–" if p.bound is None or p.bound != p.bound else f"{p.bound:,.0f}".replace(",", " ")
    line = f"{parts}  objective {obj}  bound {bound}"
    if p.open_shifts is not None:
        line += f"  avoimet vuorot (open shifts) {p.open_shifts}"
    return line


def solve_with_bar(console: Console, instance, profile, options):
    """`scheduler.solve` with a live bar (time used, objective, bound, open shifts)."""
    from scheduler import solve

    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.fields[info]}"),
                  TimeElapsedColumn(), console=console, transient=False) as bar:
        task = bar.add_task("Ratkaistaan (solving)", total=1.0, info="")

        def on_progress(p) -> None:
            bar.update(task, completed=p.fraction, info=progress_line(p))

        res = solve(instance, profile, options, progress=on_progress)
        bar.update(task, completed=1.0)
    return res
