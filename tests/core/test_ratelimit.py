"""The per-key rate limiter: bursts, exact waits, independence of keys."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sandbox.core.ratelimit import RateLimiter

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def test_one_per_second_refuses_the_second_request_with_the_exact_wait() -> None:
    limiter = RateLimiter()
    assert limiter.hit("t:register", 1, 1.0, at(0)) is None
    assert limiter.hit("t:register", 1, 1.0, at(0.25)) == pytest.approx(0.75)
    assert limiter.hit("t:register", 1, 1.0, at(1.0)) is None


def test_a_burst_of_the_limit_is_allowed_then_requests_are_spaced() -> None:
    limiter = RateLimiter()
    assert all(limiter.hit("k", 10, 60.0, at(0)) is None for _ in range(10))
    assert limiter.hit("k", 10, 60.0, at(0)) == pytest.approx(6.0)
    assert limiter.hit("k", 10, 60.0, at(6)) is None
    assert limiter.hit("k", 10, 60.0, at(6)) == pytest.approx(6.0)


def test_keys_are_independent_and_forget_is_scoped_by_prefix() -> None:
    limiter = RateLimiter()
    assert limiter.hit("a:x", 1, 1.0, at(0)) is None
    assert limiter.hit("b:x", 1, 1.0, at(0)) is None
    limiter.forget("a:")
    assert limiter.hit("a:x", 1, 1.0, at(0)) is None
    assert limiter.hit("b:x", 1, 1.0, at(0)) is not None
    limiter.forget()
    assert limiter.hit("b:x", 1, 1.0, at(0)) is None


def test_a_zero_limit_refuses_everything() -> None:
    assert RateLimiter().hit("k", 0, 5.0, at(0)) == 5.0
