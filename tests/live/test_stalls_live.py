"""Slow clients cannot stall the server: bodies are read before a request thread is taken, within a deadline."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from live_helpers import HTTP_TIMEOUT, ServerProcess
from zexa_helpers import CAMPAIGNS, auth, campaign_body

pytestmark = pytest.mark.live

THREADS = 4
TRICKLERS = 16  # four times the request threads


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    process = ServerProcess("--memory", "--threads", str(THREADS), "--body-timeout", "2", cwd=tmp_path)
    process.wait_ready()
    yield process
    process.kill()


def trickle(server: ServerProcess, stop: threading.Event, opened: threading.Barrier) -> bytes:
    """A create whose declared 1,000-byte body comes one byte every 0.2 s; what the server answered, if anything."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
        head = (
            f"POST {CAMPAIGNS} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer demo-zexa-api-key-0001\r\n"
            "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"
        )
        connection.sendall(head.encode())
        opened.wait(5)
        try:
            while not stop.is_set():
                connection.sendall(b" ")
                time.sleep(0.2)
        except OSError:
            pass  # the server answered and closed
        connection.settimeout(5)
        try:
            return connection.recv(4096)
        except OSError:
            return b""


def test_slow_bodies_do_not_hold_the_request_threads(server: ServerProcess) -> None:
    stop = threading.Event()
    opened = threading.Barrier(TRICKLERS + 1)
    answers: list[bytes] = []
    clients = [threading.Thread(target=lambda: answers.append(trickle(server, stop, opened))) for _ in range(TRICKLERS)]
    for client in clients:
        client.start()
    opened.wait(5)
    try:
        started = time.monotonic()
        health = requests.get(f"{server.url}/_sandbox/health", timeout=HTTP_TIMEOUT)
        created = requests.post(f"{server.url}{CAMPAIGNS}", json=campaign_body(), headers=auth(), timeout=HTTP_TIMEOUT)
        took = time.monotonic() - started
    finally:
        stop.set()
        for client in clients:
            client.join(10)

    assert health.status_code == 200
    assert created.status_code == 201, created.text
    assert took < 1.0, f"{TRICKLERS} slow bodies held the server for {took:.1f} s"


def test_a_body_that_does_not_arrive_in_time_gets_the_vendors_400(server: ServerProcess) -> None:
    stop = threading.Event()
    timer = threading.Timer(6, stop.set)  # longer than --body-timeout 2
    timer.start()
    started = time.monotonic()

    answer = trickle(server, stop, threading.Barrier(1))

    timer.cancel()
    assert answer.startswith(b"HTTP/1.1 400"), answer[:200]
    assert b'"error":"invalid_request"' in answer.replace(b" ", b"")
    assert time.monotonic() - started < 5
