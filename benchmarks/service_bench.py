"""Service figures (issue 5): a 3-variant request on the demo, and read throughput while two
solves run — against a real `roster serve` process on a fresh SQLite (or --db) database.

    python -m benchmarks.service_bench [--time-limit 60] [--load-seconds 15] [--clients 8]
"""

from __future__ import annotations

import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import typer

from benchmarks.curtois_batch import machine

RESULTS = Path(__file__).with_name("results")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: str, port: int, log: Path, jobs: int = 2) -> subprocess.Popen:
    """`roster serve` in its own process group (so a test can kill it with its solve processes);
    output appended to `log`. Shared by this benchmark and tests/test_serve.py."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1]), "COLUMNS": "200"}
    return subprocess.Popen(
        [sys.executable, "-c", "from api.cli import main; main()", "serve", "--db", db,
         "--port", str(port), "--jobs", str(jobs)],
        stdout=log.open("a"), stderr=subprocess.STDOUT, env=env, start_new_session=True)


def wait_up(base: str, proc: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    """Until /api/health answers; RuntimeError with the server's output if it never does."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {log.read_text()}")
        try:
            if httpx.get(f"{base}/api/health", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server did not start: {log.read_text()}")


def _job(base: str, h: dict, iid: int, body: dict) -> int:
    r = httpx.post(f"{base}/api/instances/{iid}/jobs", headers=h, json=body, timeout=30)
    r.raise_for_status()
    return r.json()["id"]


def three_variants(base: str, h: dict, iid: int, limit: float) -> dict:
    t0 = time.monotonic()
    jid = _job(base, h, iid, {"time_limit": limit, "profiles": ["balanced", "ergonomics",
                                                                 "wishes"], "k": 3})
    first = None
    while True:
        j = httpx.get(f"{base}/api/jobs/{jid}", headers=h, timeout=30).json()
        if first is None and j["progress"].get("variants_done", 0) >= 1:
            first = time.monotonic() - t0
        if j["state"] in ("done", "failed", "cancelled"):
            break
        time.sleep(0.2)
    total = time.monotonic() - t0
    vs = httpx.get(f"{base}/api/jobs/{jid}/variants", headers=h, timeout=30).json()
    return {"state": j["state"], "first_variant_s": round(first or total, 1),
            "total_s": round(total, 1), "variants": len(vs),
            "ranked": [(v["rank"], v["profile"], v["kpis"].get("open_shifts"),
                        round(100 * v["kpis"].get("wishes_fulfilled", 0), 1)) for v in vs]}


def load(base: str, h: dict, iid: int, seconds: float, clients: int, limit: float) -> dict:
    jobs = [_job(base, h, iid, {"time_limit": limit}) for _ in range(2)]
    end_wait = time.monotonic() + 60
    while time.monotonic() < end_wait:  # both solves running
        states = [httpx.get(f"{base}/api/jobs/{j}", headers=h).json()["state"] for j in jobs]
        if all(s == "running" for s in states):
            break
        time.sleep(0.2)
    lat: list[float] = []
    errors = [0]
    stop = time.monotonic() + seconds
    paths = [f"/api/jobs/{jobs[0]}", "/api/instances", f"/api/jobs/{jobs[1]}/variants",
             "/api/jobs"]

    def client(k: int) -> None:
        with httpx.Client(base_url=base, headers=h, timeout=30) as c:
            i = k
            while time.monotonic() < stop:
                t = time.monotonic()
                r = c.get(paths[i % len(paths)])
                lat.append(time.monotonic() - t)
                if r.status_code != 200:
                    errors[0] += 1
                i += 1

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - t0
    running = [httpx.get(f"{base}/api/jobs/{j}", headers=h).json()["state"] for j in jobs]
    for j in jobs:
        httpx.post(f"{base}/api/jobs/{j}/cancel", headers=h)
    lat.sort()
    return {"requests": len(lat), "rps": round(len(lat) / wall, 1),
            "median_ms": round(1000 * statistics.median(lat), 1),
            "p95_ms": round(1000 * lat[int(0.95 * (len(lat) - 1))], 1), "errors": errors[0],
            "solves_running_at_end": running.count("running")}


def main(time_limit: float = typer.Option(60.0, help="Budget of the 3-variant request"),
         load_seconds: float = typer.Option(15.0, help="Length of the read-load phase"),
         clients: int = typer.Option(8, help="Concurrent reading clients"),
         db: str = typer.Option("", help="Database URL (default: a fresh SQLite file)"),
         out: Path = typer.Option(RESULTS, help="Results folder")) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="roster-service-bench-"))
    url = db or f"sqlite:///{tmp / 'bench.db'}"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start_server(url, port, tmp / "serve.log")
    try:
        wait_up(base, proc, tmp / "serve.log")
        token = next(ln.strip() for ln in (tmp / "serve.log").read_text().splitlines()
                     if ln.strip().startswith("rt_"))
        h = {"Authorization": f"Bearer {token}"}
        iid = httpx.get(f"{base}/api/instances", headers=h).json()[0]["id"]  # the demo
        v = three_variants(base, h, iid, time_limit)
        print("3 variants:", v)
        ld = load(base, h, iid, load_seconds, clients, max(120.0, load_seconds * 4))
        print("reads during two solves:", ld)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    out.mkdir(parents=True, exist_ok=True)
    md = out / "service.md"
    md.write_text(
        "| measure | value |\n|---|---|\n"
        f"| 3-variant request on the demo (balanced, ergonomics, wishes; budget "
        f"{time_limit:g} s): first variant | {v['first_variant_s']} s |\n"
        f"| … all three, ranked | {v['total_s']} s ({v['state']}) |\n"
        f"| ranked (rank, profile, open shifts, wishes %) | {v['ranked']} |\n"
        f"| reads while two solves run ({clients} clients, {load_seconds:g} s) | "
        f"{ld['rps']} requests/s, median {ld['median_ms']} ms, p95 {ld['p95_ms']} ms, "
        f"{ld['errors']} errors |\n"
        f"\nMachine: {machine()}; database: {'SQLite' if url.startswith('sqlite') else 'other'};"
        f" server: `roster serve --jobs 2` (each solve 2 CP-SAT workers).\n",
        encoding="utf-8")
    print(f"Wrote {md}")


if __name__ == "__main__":
    typer.run(main)
