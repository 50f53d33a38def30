"""Starts N sandbox instances and HAProxy in front of them (deploy/haproxy.cfg): one URL, tenants spread by key.

    python deploy/scaleout.py --instances 3 --port 8700 [--memory | --data-dir DIR] [-- serve options...]

Each instance is ``campaign-sandbox serve`` on 127.0.0.1 at its own port (``--first-port``, then the next ones),
with its own data dir (``DIR/i1``, ``DIR/i2``...) so a restarted instance gets its tenants back; options after
``--`` go to every instance (``--scenarios``, ``--seed``...). It prints each instance's address and process id,
then the ready line, and runs until interrupted. An instance that dies is reported, not replaced: its tenants'
calls answer 503 until it is back, everyone else's go on (see "Scaling out" in the README).
"""

from __future__ import annotations

import argparse
import functools
import http.client
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CONFIG = HERE / "haproxy.cfg"
START_TIMEOUT = 60.0


class Failed(Exception):
    """The scale-out could not start: said in one line."""


def haproxy_config(instances: list[tuple[str, int]], host: str = "127.0.0.1") -> str:
    """deploy/haproxy.cfg with one ``server`` line per instance appended to its backend."""
    servers = "".join(f"    server {name} {host}:{port}\n" for name, port in instances)
    return CONFIG.read_text() + servers


def answers(host: str, port: int, path: str = "/_sandbox/health") -> bool:
    connection = http.client.HTTPConnection(host, port, timeout=1.0)
    try:
        connection.request("GET", path)
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def wait_until(check: Callable[[], bool], what: str, processes: list[subprocess.Popen[bytes]]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while not check():
        for process in processes:
            if process.poll() is not None:
                raise Failed(f"{what}: a process exited with status {process.returncode} before it answered")
        if time.monotonic() > deadline:
            raise Failed(f"{what}: no answer within {START_TIMEOUT:.0f} s")
        time.sleep(0.02)


def relay(name: str, process: subprocess.Popen[bytes]) -> None:
    """An instance's own output, each line prefixed with its name."""
    assert process.stdout is not None
    for line in process.stdout:
        sys.stdout.write(f"[{name}] {line.decode(errors='replace')}")
        sys.stdout.flush()


class ScaleOut:
    def __init__(self, args: argparse.Namespace, serve_options: list[str]) -> None:
        self.args = args
        self.serve_options = serve_options
        self.instances: dict[str, subprocess.Popen[bytes]] = {}
        self.haproxy: subprocess.Popen[bytes] | None = None
        self.folder = Path(tempfile.mkdtemp(prefix="sandbox-scaleout-"))

    def start(self) -> None:
        haproxy = shutil.which("haproxy") or next(
            (p for p in ("/usr/sbin/haproxy", "/sbin/haproxy") if os.access(p, os.X_OK)), None
        )
        if haproxy is None:
            raise Failed("haproxy is not installed: apt-get install haproxy (make scale installs it)")
        names = [(f"i{n}", port) for n, port in enumerate(self.args.ports, 1)]
        for name, port in names:
            self.instances[name] = self._instance(name, port)
        for name, port in names:
            wait_until(functools.partial(answers, "127.0.0.1", port), f"instance {name}", [self.instances[name]])
        config = self.folder / "haproxy.cfg"
        config.write_text(haproxy_config(names))
        self.haproxy = subprocess.Popen(
            [haproxy, "-db", "-f", str(config)],
            env={**os.environ, "SANDBOX_BIND": f"{self.args.host}:{self.args.port}"},
            start_new_session=True,
        )
        probe = "127.0.0.1" if self.args.host in ("0.0.0.0", "") else self.args.host
        wait_until(lambda: answers(probe, self.args.port), "HAProxy", [self.haproxy])
        for name, port in names:
            print(f"instance {name}: http://127.0.0.1:{port} (pid {self.instances[name].pid})", flush=True)
        print(
            f"ready: http://{self.args.host}:{self.args.port} ({len(names)} instances behind HAProxy, "
            "routed by key: deploy/haproxy.cfg)",
            flush=True,
        )

    def _instance(self, name: str, port: int) -> subprocess.Popen[bytes]:
        storage = ["--memory"] if self.args.memory else ["--data-dir", str(Path(self.args.data_dir) / name)]
        command = [sys.executable, "-m", "sandbox", "serve", "--host", "127.0.0.1", "--port", str(port)]
        process = subprocess.Popen(
            [*command, *storage, *self.serve_options],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: granian's worker stops with it
        )
        threading.Thread(target=relay, args=(name, process), daemon=True).start()
        return process

    def watch(self) -> int:
        """Until interrupted or HAProxy exits: report an instance that exits (its tenants get 503s)."""
        reported: set[str] = set()
        while self.haproxy is not None and self.haproxy.poll() is None:
            for name, process in self.instances.items():
                if name not in reported and process.poll() is not None:
                    reported.add(name)
                    print(
                        f"instance {name} exited ({process.returncode}): its tenants answer 503 until it is back",
                        flush=True,
                    )
            time.sleep(0.2)
        return 1

    def stop(self) -> None:
        for process in [p for p in (self.haproxy,) if p is not None] + list(self.instances.values()):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in [p for p in (self.haproxy,) if p is not None] + list(self.instances.values()):
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    own, serve_options = (argv[: argv.index("--")], argv[argv.index("--") + 1 :]) if "--" in argv else (argv, [])
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--instances", type=int, default=2, help="how many instances (default 2)")
    parser.add_argument("--host", default="127.0.0.1", help="where HAProxy listens (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8700, help="HAProxy's port (default 8700)")
    parser.add_argument("--first-port", type=int, help="the first instance's port (default: --port + 1)")
    parser.add_argument("--instance-ports", help="the instances' ports, comma-separated (instead of --first-port)")
    parser.add_argument("--data-dir", default=".sandbox-data/scale", help="instance i's data in DIR/i<n>")
    parser.add_argument("--memory", action="store_true", help="instances keep nothing on disk")
    args = parser.parse_args(own)
    if args.instance_ports:
        args.ports = [int(port) for port in args.instance_ports.split(",")]
    else:
        first = args.first_port or args.port + 1
        args.ports = list(range(first, first + args.instances))
    if not args.ports or args.instances < 1:
        parser.error("--instances: 1 or more")
    scale = ScaleOut(args, serve_options)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        scale.start()
        return scale.watch()
    except Failed as failure:
        print(f"Error: {failure}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        scale.stop()


if __name__ == "__main__":
    raise SystemExit(main())
