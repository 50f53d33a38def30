"""A deferred module is imported by its first attribute read, once, even when many threads read at once."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import pytest

from sandbox.core.deferred import Deferred

# Slow on purpose: a module that takes a while to run is where a lazy import that is not thread-safe
# (importlib.util.LazyLoader on Python 3.11) hands a second thread a half-built module.
SLOW_MODULE = """
import time
from pathlib import Path

Path(__file__).with_suffix(".runs").open("a").write("ran\\n")
time.sleep(0.2)
ANSWER = 42
"""


@pytest.fixture
def slow_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, Path]:
    name = f"deferred_probe_{tmp_path.name.replace('-', '_')}"
    (tmp_path / f"{name}.py").write_text(SLOW_MODULE, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield name, tmp_path / f"{name}.runs"
    sys.modules.pop(name, None)


def test_nothing_is_imported_before_the_first_attribute_read(slow_module: tuple[str, Path]) -> None:
    name, runs = slow_module
    deferred = Deferred(name)
    assert name not in sys.modules
    assert not runs.exists()
    assert "not imported yet" in repr(deferred)

    assert deferred.ANSWER == 42
    assert name in sys.modules
    assert deferred.ANSWER == 42
    assert runs.read_text().splitlines() == ["ran"]
    assert repr(deferred).endswith(", imported>")


def test_threads_reading_first_together_all_get_the_built_module_which_runs_once(
    slow_module: tuple[str, Path],
) -> None:
    name, runs = slow_module
    deferred = Deferred(name)
    start = threading.Barrier(8)
    answers: list[object] = []
    failures: list[BaseException] = []

    def read() -> None:
        start.wait()
        try:
            answers.append(deferred.ANSWER)
        except BaseException as failure:  # what a half-built module raises (AttributeError)
            failures.append(failure)

    threads = [threading.Thread(target=read) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert failures == []
    assert answers == [42] * 8
    assert runs.read_text().splitlines() == ["ran"]


def test_a_missing_attribute_or_module_says_so() -> None:
    with pytest.raises(AttributeError, match="no_such_thing"):
        _ = Deferred("json").no_such_thing
    with pytest.raises(ModuleNotFoundError, match="no_such_module_here"):
        _ = Deferred("no_such_module_here").anything
