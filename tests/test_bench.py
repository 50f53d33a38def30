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


def test_the_ab_comparison_runs_each_side_from_its_own_tree(tmp_path: Path) -> None:
    # Both sides of `make bench-compare` once ran this checkout's code: the servers started in it, and `python -m`
    # puts the working directory ahead of PYTHONPATH. Each side now starts in its tree, and the check says so.
    import compare  # bench/compare.py

    compare.check_imports_from(run.ROOT)
    copy = tmp_path / "tree"
    (copy / "sandbox").mkdir(parents=True)
    (copy / "sandbox" / "__init__.py").write_text("")
    compare.check_imports_from(copy)
    assert f"env -C {copy} PYTHONPATH={copy} " in compare.server_cmd(copy, 1)
    try:
        compare.check_imports_from(tmp_path)  # no sandbox package there: the installed one would answer
    except run.BenchError as error:
        assert "would import" in str(error)
    else:
        raise AssertionError("a tree without the package passed the check")
