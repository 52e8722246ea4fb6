"""The region batch runner: local processes, and the same function as a task on a local Ray."""

from __future__ import annotations

import importlib.util

import pytest

from benchmarks.region_batch import RegionRow, run_local, write_tables


def _check(row: RegionRow) -> None:
    assert row.status in ("OPTIMAL", "FEASIBLE")
    assert row.hard_violations == 0
    assert row.objective is not None and row.first_roster_s is not None
    assert 0 <= row.penalties < row.objective
    assert 0 <= row.wishes_fulfilled_pct <= 100 and row.peak_mem_mb > 0


def test_region_runner_solves_and_scores_a_region_and_writes_tables(tmp_path):
    rows = run_local(["region-30"], seed=0, time_limit=8, workers=2)
    _check(rows[0])
    assert rows[0].employees == 30
    csv_path, md_path = write_tables(rows, tmp_path, "region_8s")
    assert "region-30" in md_path.read_text() and csv_path.exists()


@pytest.mark.skipif(importlib.util.find_spec("ray") is None, reason="ray is not installed")
def test_the_same_runner_on_a_local_ray_instance():
    from benchmarks.region_batch import run_ray

    # generous budget: on a loaded 2-core CI machine one worker needs a while for a first roster
    rows = run_ray(["small"], seed=1, time_limit=20, workers=1, address="local")
    assert rows[0].status in ("OPTIMAL", "FEASIBLE"), rows[0]
    _check(rows[0])
    assert rows[0].employees == 8

