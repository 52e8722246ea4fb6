"""Shared fixtures: a fresh PostgreSQL database per test where a server is running.

`scripts/test.sh` starts a PostgreSQL server on loopback (scripts/postgres.sh, Debian's package)
and exports ROSTER_TEST_PG_URL; without it the PostgreSQL variants of the storage tests skip with
that reason. In CI (CI=true) a missing server is a failure, not a skip.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest


@pytest.fixture
def pg_url() -> Iterator[str | None]:
    base = os.environ.get("ROSTER_TEST_PG_URL")
    if not base:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but ROSTER_TEST_PG_URL is not set: scripts/test.sh starts "
                        "PostgreSQL and sets it")
        yield None
        return
    import psycopg

    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = base.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    head, _, _db = base.rpartition("/")
    yield f"{head}/{name}"
    from api.db import _ENGINES

    for url in [u for u in _ENGINES if u.endswith(f"/{name}")]:
        _ENGINES.pop(url).dispose()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
