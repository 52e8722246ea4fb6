"""The bounded pool of solve processes behind the API, and recovery after a restart.

A thread in the API process claims queued jobs (oldest first) while fewer than `max_jobs` run,
and starts each in its own process (`api.worker.run_job`). At start-up, jobs left `running` by a
server that stopped are marked `interrupted` — their best roster so far stays in the row and
`POST /jobs/{id}/resume` continues from it — and queued jobs simply run.
"""

from __future__ import annotations

import multiprocessing as mp
import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from api.db import Job, now, sessions
from api.worker import run_job

INTERRUPTED = ("Palvelin käynnistyi uudelleen kesken laskennan (the server restarted during the "
               "solve); resume it to continue from the best roster so far")
TERMINAL = ("done", "failed", "cancelled", "interrupted")


class JobRunner:
    def __init__(self, url: str, max_jobs: int = 2, poll_s: float = 0.3):
        self.url, self.max_jobs, self.poll_s = url, max(1, max_jobs), poll_s
        self.S = sessions(url)
        self.procs: dict[int, mp.process.BaseProcess] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._ctx = mp.get_context("spawn")

    def recover(self) -> int:
        """Mark jobs of a previous server run that were mid-solve as interrupted."""
        with self.S() as db:
            n = db.execute(update(Job).where(Job.state == "running").values(
                state="interrupted", error=INTERRUPTED, finished_at=now())).rowcount
            db.commit()
        return n or 0

    def start(self) -> None:
        self.recover()
        self._thread = threading.Thread(target=self._loop, name="job-runner", daemon=True)
        self._thread.start()

    def shutdown(self) -> None:
        """Stop claiming; the running solves are ended (their jobs resume after a restart)."""
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)
        for p in self.procs.values():
            if p.is_alive():
                p.terminate()
        for p in self.procs.values():
            p.join(timeout=5)

    def _loop(self) -> None:
        while not self._stop.wait(self.poll_s):
            try:
                self.tick()
            except Exception:  # noqa: BLE001 - a database hiccup must not end the runner
                continue

    def tick(self) -> None:
        self._reap()
        while len(self.procs) < self.max_jobs and not self._stop.is_set():
            job_id = self.claim()
            if job_id is None:
                return
            p = self._ctx.Process(target=run_job, args=(self.url, job_id),
                                  kwargs={"own_process": True}, daemon=True,
                                  name=f"roster-job-{job_id}")
            p.start()
            self.procs[job_id] = p

    def claim(self) -> int | None:
        """Mark the oldest queued job running and return its id (None: nothing queued)."""
        with self.S() as db:
            job_id = db.scalar(select(Job.id).where(Job.state == "queued")
                               .order_by(Job.id).limit(1))
            if job_id is None:
                return None
            got = db.execute(update(Job).where(Job.id == job_id, Job.state == "queued")
                             .values(state="running", started_at=now(),
                                     heartbeat_at=now())).rowcount
            db.commit()
            return job_id if got else None

    def _reap(self) -> None:
        for job_id, p in list(self.procs.items()):
            if p.is_alive():
                continue
            p.join()
            del self.procs[job_id]
            with self.S() as db:
                job = db.get(Job, job_id)
                if job is not None and job.state == "running":
                    job.state = "failed"
                    job.error = (f"Laskentaprosessi päättyi odottamatta (the solve process ended "
                                 f"with code {p.exitcode})")
                    job.finished_at = now()
                    db.commit()


def stale(job: Job, seconds: float = 120.0) -> bool:
    """A running job whose worker has not written for a while (shown to the user as such)."""
    hb = job.heartbeat_at
    if job.state != "running" or hb is None:
        return False
    if hb.tzinfo is None:
        hb = hb.replace(tzinfo=UTC)
    return datetime.now(UTC) - hb > timedelta(seconds=seconds)
