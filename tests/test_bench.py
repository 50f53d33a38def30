"""The benchmarks' in-process sections still run against today's code (a renamed signature once broke `make bench`)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import run  # bench/run.py, which is not a package


def test_the_app_scaling_section_runs_and_reports_both_sizes() -> None:
    found = run.measure_app((120, 200), 20)
    assert set(found) >= {"create", "get", "prefill_us_per_campaign"}
    assert found["create"]["small_p50_us"] > 0 and found["get"]["large_p50_us"] > 0


def test_the_store_scaling_section_runs() -> None:
    found = run.measure_store((100, 300), 50)
    assert found["insert"]["small_p50_us"] > 0 and found["get"]["large_p50_us"] > 0
