"""One solve job in its own process: reads the job from the database, solves, writes back.

Runs in a process started by `api.jobs.JobRunner` (spawn), so a long solve never blocks the API
and a crash takes only this job down. Progress, the best roster so far and the finished variants
go into the database as they come; the cancel flag is read from it.
"""

from __future__ import annotations

import os
import threading
import time
import traceback
from datetime import date
from typing import Any

from sqlalchemy import select

from api.db import Job, RosterVersion, StoredInstance, StoredVariant, StoredWish, now, sessions
from instances.models import Absence, Assignment, Instance, Profile, Roster, Wish
from instances.profiles import PROFILES

PROGRESS_EVERY_S = 0.5
ROSTER_EVERY_S = 2.0
CANCEL_POLL_S = 0.5


def instance_with_wishes(row: StoredInstance, wishes: list[StoredWish]) -> Instance:
    """The stored instance plus the wishes employees submitted through the service."""
    data = dict(row.data)
    data["wishes"] = [*data.get("wishes", []), *(w.data for w in wishes)]
    return Instance.model_validate(data)


def profile_of(params: dict[str, Any], name: str) -> Profile:
    if name == "custom":
        return Profile(name="custom", **(params.get("weights") or {}))
    return PROFILES[name]


def _variant_summary(v) -> dict[str, Any]:  # noqa: ANN001 - scheduler.variants.Variant
    return {"kpis": v.kpis, "scores": v.scores, "trade_offs": v.trade_offs,
            "changes_vs": {str(k): n for k, n in v.changes_vs.items()},
            "required_changes": {str(k): n for k, n in v.required_changes.items()},
            "short_of": {str(k): n for k, n in v.short_of.items()},
            "hard_violations": v.hard_violations, "wall_time_s": round(v.wall_time, 2)}


def _die_with_parent() -> None:
    """A solve process whose server was killed ends too: the restarted server marks its job
    interrupted, and an orphan must not write into it afterwards."""
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def run_job(url: str, job_id: int, *, own_process: bool = False) -> None:
    """Entry point of the worker process (`own_process`: started by the runner)."""
    if own_process:
        _die_with_parent()
    S = sessions(url)
    try:
        _run(S, job_id)
    except Exception as err:  # the job fails with a message; the service goes on
        with S() as db:
            job = db.get(Job, job_id)
            if job is not None:
                job.state = "failed"
                job.error = f"{type(err).__name__}: {err}"
                job.result = {"trace": traceback.format_exc()[-4000:]}
                job.finished_at = now()
                db.commit()


def _run(S, job_id: int) -> None:  # noqa: ANN001
    from scheduler.solve import Progress, SolveOptions

    with S() as db:
        job = db.get(Job, job_id)
        row = db.get(StoredInstance, job.instance_id)
        wishes = list(db.scalars(select(StoredWish).where(StoredWish.instance_id == row.id)))
        params = dict(job.params)
        inst = instance_with_wishes(row, wishes)
        hint_rows = None
        if params.get("previous_roster_version"):
            # the previous period's published roster carried onto this one (checked when the
            # job was created): warm start, and the continuity profile's reference
            from instances.rollover import carry_forward

            version = db.get(RosterVersion, params["previous_roster_version"])
            carried = carry_forward([Assignment.model_validate(a) for a in version.roster],
                                    inst).assignments
            hint_rows = [a.model_dump(mode="json") for a in carried]
            if inst.reference_roster is None:
                inst = inst.model_copy(update={"reference_roster": carried})
        if params.get("resume_from"):
            src = db.get(Job, params["resume_from"])
            hint_rows = src.best_roster if src is not None else hint_rows
        published = None
        if job.kind == "repair":
            published = db.get(RosterVersion, params["roster_version"]).roster
        job.started_at, job.heartbeat_at = now(), now()
        db.commit()

    last = {"progress": 0.0, "roster": 0.0, "cancel": 0.0}
    cancelled = {"flag": False}

    def stop() -> bool:
        t = time.monotonic()
        if t - last["cancel"] >= CANCEL_POLL_S and not cancelled["flag"]:
            last["cancel"] = t
            with S() as db:
                cancelled["flag"] = bool(db.scalar(
                    select(Job.cancel_requested).where(Job.id == job_id)))
        return cancelled["flag"]

    budget = float(params.get("time_limit", 30))
    t0 = time.monotonic()

    def on_progress(variant: int, variants: int, p: Progress) -> None:
        t = time.monotonic()
        if t - last["progress"] < PROGRESS_EVERY_S:
            return
        last["progress"] = t
        rows = None
        open_shifts = p.open_shifts
        if p.roster is not None and t - last["roster"] >= ROSTER_EVERY_S:
            last["roster"] = t
            roster = p.roster()
            rows = roster.model_dump(mode="json")["assignments"]
            if open_shifts is None and p.part == p.parts:
                from constraints.checker import check_roster

                open_shifts = check_roster(inst, roster, only=["staffing"]).kpis["open_shifts"]
        with S() as db:
            job = db.get(Job, job_id)
            prog = dict(job.progress or {})
            prog.update({"variant": variant, "variants": variants,
                         "objective": p.objective, "bound": p.bound,
                         "elapsed_s": round(t - t0, 1),
                         "fraction": round(min(1.0, (t - t0) / max(budget, 1e-9)), 3),
                         "part": p.part, "parts": p.parts})
            if open_shifts is not None:
                prog["open_shifts"] = open_shifts
            job.progress = prog
            job.heartbeat_at = now()
            if rows is not None and p.part == p.parts:
                job.best_roster = rows
            db.commit()

    workers = int(params.get("workers", 2))
    opts = SolveOptions(time_limit=budget, workers=workers, seed=int(params.get("seed", 0)),
                        stop=stop, keep_best=True,
                        hint=Roster.model_validate({"assignments": hint_rows})
                        if hint_rows else None)
    if job.kind == "repair":
        _repair(S, job_id, inst, params, published, opts, on_progress)
    else:
        _variants(S, job_id, inst, params, opts, on_progress)


def _variants(S, job_id: int, inst: Instance, params: dict, opts, on_progress) -> None:  # noqa: ANN001
    from scheduler.explain import explain_infeasibility
    from scheduler.variants import solve_variants

    names = params.get("profiles") or ["balanced"]
    profiles = [profile_of(params, n) for n in names]
    k = int(params.get("k") or len(profiles))
    rank_by = profile_of(params, params.get("rank_by") or names[0])

    def store(v) -> None:  # noqa: ANN001
        with S() as db:
            db.add(StoredVariant(
                job_id=job_id, index=v.index, profile=v.profile, label=v.label,
                status=v.status, roster=None if v.roster is None else
                v.roster.model_dump(mode="json")["assignments"],
                objective=v.objective, summary=_variant_summary(v)))
            job = db.get(Job, job_id)
            prog = dict(job.progress or {})
            prog["variants_done"] = v.index
            job.progress = prog
            if v.roster is not None and job.best_roster is None:
                job.best_roster = v.roster.model_dump(mode="json")["assignments"]
            db.commit()

    variants = solve_variants(inst, profiles, opts, k=k,
                              min_share=float(params.get("min_share", 0.10)), rank_by=rank_by,
                              on_variant=store, progress=lambda i, p: on_progress(i, k, p))
    with S() as db:
        job = db.get(Job, job_id)
        stored = {v.index: v for v in db.scalars(
            select(StoredVariant).where(StoredVariant.job_id == job_id))}
        for v in variants:  # ranks and trade-offs are known only once all are in
            sv = stored.get(v.index)
            if sv is not None:
                sv.rank = v.rank
                sv.summary = _variant_summary(v)
        ok = [v for v in variants if v.roster is not None]
        job.finished_at = now()
        if ok:
            job.state = "cancelled" if job.cancel_requested else "done"
            job.result = {"variants": len(ok), "rank_by": rank_by.name}
            best = min(ok, key=lambda v: (v.rank or 99))
            job.progress = {**(job.progress or {}), "fraction": 1.0,
                            "open_shifts": best.kpis.get("open_shifts"),
                            "objective": best.objective}
        else:
            job.state = "cancelled" if job.cancel_requested else "failed"
            infeasible = any(v.status == "INFEASIBLE" for v in variants)
            reasons = explain_infeasibility(inst, profiles[0], time_limit=20,
                                            workers=opts.workers) if infeasible else []
            if job.cancel_requested:
                job.error = "Peruttu (cancelled) before the first roster"
            elif reasons:
                job.error = ("Listaa ei löytynyt (no roster found): the hard rules conflict: "
                             + "; ".join(reasons))
            else:
                job.error = ("Listaa ei löytynyt (no roster found) within the time limit; "
                             "give it more time")
            job.result = {"explanation": reasons, "status": [v.status for v in variants]}
        db.commit()


def _repair(S, job_id: int, inst: Instance, params: dict, published: list, opts,  # noqa: ANN001
            on_progress) -> None:  # noqa: ANN001
    from scheduler.repair import repair

    absences = [Absence.model_validate(a) for a in params.get("absences", [])]
    keep = params.get("keep_until")
    profile = profile_of(params, params.get("profile") or "balanced")
    res = repair(inst, Roster.model_validate({"assignments": published}), absences, profile,
                 opts, keep_until=date.fromisoformat(keep) if keep else None)
    with S() as db:
        job = db.get(Job, job_id)
        job.finished_at = now()
        if res.roster is None:
            job.state = "failed"
            job.error = "Korjattua listaa ei löytynyt (no repaired roster found)" + (
                ": " + "; ".join(res.explanation) if res.explanation else "")
        else:
            from constraints.checker import check_roster

            rep = check_roster(res.instance, res.roster, profile)
            db.add(StoredVariant(
                job_id=job_id, index=1, profile=f"{profile.name}+repair",
                label="Korjattu lista (repaired)", status=res.status,
                roster=res.roster.model_dump(mode="json")["assignments"],
                objective=rep.objective, rank=1,
                summary={"kpis": rep.kpis, "hard_violations": len(rep.violations),
                         "changes": res.changes, "affected": res.affected}))
            job.state = "done"
            job.result = {"changes": len(res.changes), "affected": res.affected,
                          "open_shifts_before": res.open_shifts_before,
                          "open_shifts_after": res.open_shifts_after,
                          "absences": [a.model_dump(mode="json") for a in absences]}
        db.commit()


__all__ = ["run_job", "instance_with_wishes", "Wish"]
