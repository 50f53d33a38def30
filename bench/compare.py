"""A/B: the HTTP figures of this tree against another git revision, alternating servers in one run, as ratios."""

from __future__ import annotations

import argparse
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import run  # bench/run.py: the server, wrk and start-time helpers

ROOT = Path(__file__).resolve().parent.parent
LOADS = {
    "create": (run.CAMPAIGNS, run.CAMPAIGN_BODY, f"Bearer {run.DEMO_KEY}"),
    "infobip_create": (run.INFOBIP_CAMPAIGNS, run.INFOBIP_CAMPAIGN_BODY, f"App {run.INFOBIP_KEY}"),
    "events": (run.EVENTS, run.EVENT_BODY, f"Bearer {run.DEMO_KEY}"),
}


def server_cmd(tree: Path, threads: int) -> str:
    # Run in the tree itself: `python -m` puts the working directory first on sys.path, ahead of PYTHONPATH, and
    # run.Server starts servers in this checkout, which once made both sides of the A/B run this tree's code.
    python, path = shlex.quote(sys.executable), shlex.quote(str(tree))
    return f"env -C {path} PYTHONPATH={path} {python} -m sandbox serve --memory --threads {threads} --port {{port}}"


def check_imports_from(tree: Path) -> None:
    """Fail loudly unless a server started as ``server_cmd`` starts it imports ``sandbox`` from ``tree``."""
    probe = f"env -C {shlex.quote(str(tree))} PYTHONPATH={shlex.quote(str(tree))} {shlex.quote(sys.executable)}"
    found = subprocess.run(
        [*shlex.split(probe), "-c", "import sandbox; print(sandbox.__file__)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not Path(found).resolve().is_relative_to(tree.resolve()):
        raise run.BenchError(f"a server for {tree} would import {found}")


def measure(command: str, seconds: float, warmup: float, starts: int) -> dict[str, float]:
    figures = {"start_s": run.measure_start(command, starts)["median_s"]}
    with run.running_server(command) as server:
        time.sleep(0.5)
        for name, (path, body, authorization) in LOADS.items():
            result = run.measure_http(server, run.ensure_wrk(), path, body, name, seconds, warmup, authorization)
            if result.failures():
                raise run.BenchError(f"{name}: {result.failures()}")
            figures[name] = result.per_second
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("revision", help="the git revision to compare with (e.g. a commit before a change)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (the median is shown)")
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--starts", type=int, default=3)
    parser.add_argument("--threads", type=int, default=32)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="sandbox-baseline-") as folder:
        baseline = Path(folder) / "tree"
        subprocess.run(["git", "worktree", "add", "--detach", str(baseline), args.revision], cwd=ROOT, check=True)
        # Byte-compiled as `make bench` compiles this tree: without it the baseline's start pays compiling every
        # module where PYTHONDONTWRITEBYTECODE is set.
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(baseline / "sandbox")], check=True)
        try:
            trees = {"baseline": baseline, "this": ROOT}
            for tree in trees.values():
                check_imports_from(tree)
            seen: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
            for round_ in range(args.rounds):
                order = list(trees) if round_ % 2 == 0 else list(trees)[::-1]  # neither always goes first
                for name in order:
                    seen[name].append(
                        measure(server_cmd(trees[name], args.threads), args.duration, args.warmup, args.starts)
                    )
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(baseline)], cwd=ROOT, check=False)
    header = f"{'figure':<16} {'baseline':>10} {'this':>10} {'ratio':>7}"
    print(f"{header}   ({args.rounds} rounds, medians, --threads {args.threads})")
    for figure in ["start_s", *LOADS]:
        old = statistics.median(r[figure] for r in seen["baseline"])
        new = statistics.median(r[figure] for r in seen["this"])
        print(f"{figure:<16} {old:>10.3f} {new:>10.3f} {new / old:>7.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
