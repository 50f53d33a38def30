"""Infobip list queries: repeatable filters, 0-based paging, ``sort=property,asc|desc``, the page envelope."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sandbox.vendors.infobip.errors import error

PAGE_SIZE_DEFAULT = 20  # [doc]
PAGE_SIZE_MAX = 2000  # [doc]
PAGE_MAX = 2_147_483_647  # a Java int, as Infobip's services are [decided]
SORTABLE = ("id", "name", "type", "createdDate", "lastModifiedDate")  # [doc]
# ASCII digits only: str.isdigit() also takes "²" (which int() refuses) and "--5" passed lstrip("-").
_INTEGER = re.compile(r"[+-]?[0-9]+", re.ASCII)

# A filter tests a stored record against one value of its query parameter.
Match = Callable[[dict[str, Any], str], bool]


@dataclass(frozen=True)
class Filter:
    match: Match
    choices: tuple[str, ...] = ()  # when set, the values a filter accepts (e.g. the stages)


def equals(name: str) -> Match:
    return lambda record, value: record.get(name) == value


def name_like(record: dict[str, Any], value: str) -> bool:
    # "nameLike" [doc]; a case-insensitive substring match [decided].
    return value.casefold() in str(record.get("name") or "").casefold()


@dataclass
class Query:
    filters: dict[str, list[str]] = field(default_factory=dict)
    page: int = 0
    size: int = PAGE_SIZE_DEFAULT
    sort: list[tuple[str, bool]] = field(default_factory=list)  # (property, descending)


def parse(
    args: Mapping[str, list[str]],
    filters: Mapping[str, Filter],
    sortable: Iterable[str] = SORTABLE,
    size: tuple[int, int] = (PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX),
) -> Query:
    """Read and check the query string; every bad value is named in one 400. ``size``: (default, max)."""
    problems: dict[str, list[str]] = {}
    query = Query()
    for name, spec in filters.items():
        values = list(args.get(name) or [])
        if not values:
            continue
        if spec.choices:
            bad = [value for value in values if value not in spec.choices]
            if bad:
                problems[name] = [f"must be one of [{', '.join(spec.choices)}]"]
                continue
        query.filters[name] = values
    query.page = _integer(_first(args, "page"), 0, "page", 0, PAGE_MAX, problems)
    # "0..2000" [client NumbersApi.getBrands]: a size of 0 counts without listing [decided].
    query.size = _integer(_first(args, "size"), size[0], "size", 0, size[1], problems)
    allowed = tuple(sortable)
    for raw in args.get("sort") or []:
        prop, _, direction = raw.partition(",")
        direction = direction.strip().lower() or "asc"
        if prop.strip() not in allowed:
            problems.setdefault("sort", []).append(f"property must be one of [{', '.join(allowed)}]")
        elif direction not in ("asc", "desc"):
            problems.setdefault("sort", []).append("direction must be asc or desc")
        else:
            query.sort.append((prop.strip(), direction == "desc"))
    if problems:
        raise error("invalid_paging", detail="; ".join(problems), validation=problems)
    return query


def _first(args: Mapping[str, list[str]], name: str) -> str | None:
    values = args.get(name)
    return values[0] if values else None


def _integer(raw: str | None, default: int, name: str, lo: int, hi: int, problems: dict[str, list[str]]) -> int:
    if raw is None:
        return default
    text = raw.strip()
    if not _INTEGER.fullmatch(text):
        problems[name] = ["must be an integer"]
        return default
    # Compared as text first: int() of thousands of digits is refused (and slow) by Python itself.
    digits = text.lstrip("+-").lstrip("0") or "0"
    value = (-1 if text.startswith("-") else 1) * int(digits) if len(digits) <= 12 else hi + 1
    if not lo <= value <= hi:
        problems[name] = [f"must be between {lo} and {hi}"]
        return default
    return value


def _sort_key(prop: str) -> Callable[[dict[str, Any]], str]:
    return lambda record: str(record.get(prop) or "")


def page(
    records: Iterable[dict[str, Any]],
    query: Query,
    filters: Mapping[str, Filter],
    present: Callable[[dict[str, Any]], dict[str, Any]],
) -> dict[str, Any]:
    """Filter (AND across keys, OR within a repeated key), sort, cut the page, present it."""
    chosen = [
        record
        for record in records
        if all(any(filters[name].match(record, value) for value in values) for name, values in query.filters.items())
    ]
    for prop, descending in reversed(query.sort):  # stable sorts, last key first: the first key wins
        chosen.sort(key=_sort_key(prop), reverse=descending)
    start = query.page * query.size
    shown = chosen[start : start + query.size]
    return {
        "results": [present(record) for record in shown],
        "paging": {
            "page": query.page,
            "size": query.size,
            "totalPages": math.ceil(len(chosen) / query.size) if query.size else 0,
            "totalResults": len(chosen),
        },
    }
