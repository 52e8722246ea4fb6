"""`roster serve` as a real server process: the job runner's processes, the event stream, and
jobs surviving a killed server (queued jobs run after the restart, the interrupted one resumes
from its best roster)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from benchmarks import service_bench
from instances.generator import PRESETS


def free_port() -> int:
    return service_bench.free_port()


def start(db: str, port: int, log: Path) -> subprocess.Popen:
    return service_bench.start_server(db, port, log, jobs=1)


def wait_up(base: str, proc: subprocess.Popen, log: Path) -> None:
    try:
        service_bench.wait_up(base, proc, log)
    except RuntimeError as err:
        pytest.fail(str(err))


def wait_for(fn, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        got = fn()
        if got:
            return got
        time.sleep(0.3)
    pytest.fail(f"timed out waiting for {what}")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path, pg_url) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'serve.db'}"
    if pg_url is None:
        pytest.skip("PostgreSQL is not available here (scripts/postgres.sh starts it)")
    return pg_url


def test_jobs_survive_a_killed_server(db_url: str, tmp_path: Path) -> None:
    port, log = free_port(), tmp_path / "serve.log"
    base = f"http://127.0.0.1:{port}"
    proc = start(db_url, port, log)
    try:
        wait_up(base, proc, log)
        token = next(line.strip() for line in log.read_text().splitlines()
                     if line.strip().startswith("rt_"))
        h = {"Authorization": f"Bearer {token}"}
        demo = httpx.get(f"{base}/api/instances", headers=h).json()
        assert demo and demo[0]["employees"] == 47  # the demo is stored on the first start
        inst = PRESETS["small"](3).model_dump(mode="json")
        iid = httpx.post(f"{base}/api/instances", headers=h, json=inst).json()["id"]
        long = httpx.post(f"{base}/api/instances/{iid}/jobs", headers=h,
                          json={"time_limit": 300}).json()["id"]
        queued = httpx.post(f"{base}/api/instances/{iid}/jobs", headers=h,
                            json={"time_limit": 4}).json()["id"]
        # the event stream reports progress of the running job
        with httpx.stream("GET", f"{base}/api/jobs/{long}/events", headers=h,
                          timeout=60) as r:
            assert r.headers["content-type"].startswith("text/event-stream")
            for line in r.iter_lines():
                if line.startswith("data:"):
                    assert json.loads(line[5:])["id"] == long
                    break
        wait_for(lambda: httpx.get(f"{base}/api/jobs/{long}", headers=h).json()
                 ["has_best_roster"], 90, "a best roster so far")
        assert httpx.get(f"{base}/api/jobs/{queued}", headers=h).json()["state"] == "queued"
        os.killpg(proc.pid, signal.SIGKILL)  # the server and its solve process, no goodbye
        proc.wait(timeout=10)

        proc = start(db_url, port, log)
        wait_up(base, proc, log)
        job = httpx.get(f"{base}/api/jobs/{long}", headers=h).json()
        assert job["state"] == "interrupted" and job["has_best_roster"], job
        done = wait_for(lambda: (j := httpx.get(f"{base}/api/jobs/{queued}", headers=h).json())
                        ["state"] in ("done", "failed") and j, 120, "the queued job")
        assert done["state"] == "done", done
        again = httpx.post(f"{base}/api/jobs/{long}/resume", headers=h).json()
        assert again["resumed_from"] == long and again["params"]["time_limit"] == 300
        wait_for(lambda: httpx.get(f"{base}/api/jobs/{again['id']}", headers=h).json()
                 ["state"] == "running", 30, "the resumed job to start")
        httpx.post(f"{base}/api/jobs/{again['id']}/cancel", headers=h)
        end = wait_for(lambda: (j := httpx.get(f"{base}/api/jobs/{again['id']}",
                                               headers=h).json())["state"]
                       in ("cancelled", "done", "failed") and j, 60, "the cancel")
        assert end["state"] == "cancelled" and end["has_best_roster"], end
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)
