"""The schedule: due steps in time order per tenant, rows that survive a reload, nothing left of a forgotten tenant."""

from __future__ import annotations

from sandbox.core.schedule import Schedule, schedule_table
from sandbox.core.store import Store


def test_due_entries_come_out_in_time_order_and_only_up_to_now() -> None:
    schedule = Schedule(Store())
    schedule.put("m", "t", "late", 30.0)
    schedule.put("m", "t", "early", 10.0)
    schedule.put("m", "t", "manual", None)  # waits to be asked: stored, never due
    schedule.put("m", "other", "x", 5.0)

    assert schedule.first_due("t") == 10.0
    assert list(schedule.pop_due("t", 20.0)) == [(10.0, "m", "early")]
    assert list(schedule.pop_due("t", 20.0)) == []
    assert list(schedule.pop_due("t", 30.0)) == [(30.0, "m", "late")]
    assert schedule.first_due("t") is None and schedule.first_due("other") == 5.0
    assert sorted(schedule.tenants()) == ["other", "t"]


def test_rows_rebuild_the_heaps_and_a_dropped_row_is_not_rebuilt() -> None:
    store = Store()
    schedule = Schedule(store)
    schedule.put("m", "t", "a", 20.0)
    schedule.put("m", "t", "b", 10.0)
    schedule.put("m", "t", "c", None)
    schedule.drop("m", "t", "a")
    assert sorted(key for key, _ in schedule.rows("t")) == ["m:b", "m:c"]

    again = Schedule(store)  # a restart: only the rows are left
    again.reload()
    assert [entry[3] for entry in again.earliest("t", 10)] == ["b"]


def test_a_forgotten_tenant_has_no_heap_and_its_rows_go_with_its_tables() -> None:
    store = Store()
    schedule = Schedule(store)
    schedule.put("m", "t", "a", 1.0)
    store.drop_tenant("t")
    schedule.forget("t")
    assert schedule.first_due("t") is None and store.count(schedule_table("t")) == 0
    assert schedule.tenants() == [] and schedule.tenants_due() == []
