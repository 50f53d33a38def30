"""Zexa contacts (create, list, delete) and their lists, sender ids and the credit balance as the API reads them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sandbox.vendors.zexa.errors import error
from sandbox.vendors.zexa.models.base import ZexaBase, iso
from sandbox.vendors.zexa.models.credits import Credits

CONTACT_FIELDS = ("id", "name", "phone", "email", "lists", "created_at")  # [doc]
SENDER_FIELDS = ("sender_id", "channel", "status", "created_at")  # [decided]


def present(record: Mapping[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: record.get(name) for name in fields}


class Contacts(ZexaBase):
    def create(self, data: dict[str, Any]) -> dict[str, Any]:
        lists = list(dict.fromkeys(data["lists"]))
        with self.store.lock:
            for list_id in lists:
                if not self.store.contains(self.table("contact_lists"), list_id):
                    raise error("not_found", f"Contact list '{list_id}' does not exist", details={"lists": list_id})
            contact_id = self.new_id("cnt", "contacts")
            record = {
                "id": contact_id,
                "name": data.get("name"),
                "phone": data.get("phone"),
                "email": data.get("email"),
                "lists": lists,
                "created_at": iso(self.now()),
                "status": "active",  # [decided] a contact made through the API is subscribed and reachable
                "undeliverable": False,
            }
            self.store.insert(self.table("contacts"), contact_id, record)
            for list_id in lists:
                members = self.store.get(self.table("contact_lists"), list_id) or {}
                self.store.update(
                    self.table("contact_lists"), list_id, {"contacts": [*members.get("contacts", []), contact_id]}
                )
        return present(record, CONTACT_FIELDS)

    def page(self, paging: Mapping[str, int]) -> dict[str, Any]:
        return self.paged("contacts", paging, lambda row: present(row, CONTACT_FIELDS))

    def delete(self, contact_id: str) -> None:
        with self.store.lock:
            found = self.store.get(self.table("contacts"), contact_id)
            if found is None:
                raise error("not_found", f"Contact '{contact_id}' does not exist", details={"id": contact_id})
            for list_id in found.get("lists", []):
                members = self.store.get(self.table("contact_lists"), list_id)
                if members is not None:
                    kept = [member for member in members.get("contacts", []) if member != contact_id]
                    self.store.update(self.table("contact_lists"), list_id, {"contacts": kept})
            self.store.delete(self.table("contacts"), contact_id)

    def sender_ids(self, paging: Mapping[str, int]) -> dict[str, Any]:
        return self.paged("sender_ids", paging, lambda row: present(row, SENDER_FIELDS), newest_first=False)

    def credits(self) -> dict[str, Any]:
        return Credits(self.scope).view()
