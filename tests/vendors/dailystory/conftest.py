"""The DailyStory tests' own fixture: a token of its own per test (so a tenant, a clock and a lifecycle config)."""

from __future__ import annotations

from collections.abc import Callable

import pytest


@pytest.fixture
def token(fresh_key: Callable[[str], str]) -> str:
    return fresh_key("dailystory")
