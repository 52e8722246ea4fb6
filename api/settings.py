"""Service settings from the environment, with defaults that work on a fresh clone."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


def _default_db() -> str:
    return f"sqlite:///{Path('roster-data/roster.db').resolve()}"


@dataclass(frozen=True)
class Settings:
    database_url: str = field(default_factory=lambda: os.environ.get("DATABASE_URL")
                              or _default_db())
    # solve jobs run in separate processes, at most this many at once (the API stays responsive)
    max_jobs: int = field(default_factory=lambda: int(os.environ.get("ROSTER_MAX_JOBS", "2")))
    solve_workers: int = field(default_factory=lambda: int(os.environ.get(
        "ROSTER_SOLVE_WORKERS", "2")))  # CP-SAT threads per job
    max_upload_bytes: int = field(default_factory=lambda: int(os.environ.get(
        "ROSTER_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024))))
    max_time_limit_s: float = 3600.0
    start_runner: bool = True  # tests may drive jobs by hand
