"""Zexa campaigns: create (every check before any write), get with delivery stats, the paged list."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sandbox.vendors.zexa.errors import error
from sandbox.vendors.zexa.models.base import (
    CAMPAIGN,
    CREATED_FIELDS,
    ID_ALPHABET,
    ZexaBase,
    iso,
    message_key,
    number,
    present_campaign,
    price,
)
from sandbox.vendors.zexa.models.credits import Credits

PHONE_CHANNELS = ("sms", "whatsapp", "telegram")  # [decided] the others reach the contact's email (Slack by email)


class Campaigns(ZexaBase):
    def create(self, data: dict[str, Any]) -> dict[str, Any]:
        """Seed 002's checks in its table's order: 400 shape, 404 list, 422 sender and content, 422 credits."""
        with self.store.lock:
            contact_list = self.store.get(self.table("contact_lists"), data["contact_list_id"])
            if contact_list is None:
                raise error(
                    "not_found",
                    f"Contact list '{data['contact_list_id']}' does not exist",
                    details={"contact_list_id": data["contact_list_id"]},
                )
            self._check_sender(data["channel"], data["sender_id"])
            self._check_content(data)
            recipients = self._recipients(contact_list, data["channel"])
            cost = len(recipients) * price(self.settings(), data["channel"])
            credits = Credits(self.scope)
            if credits.balance() < cost:
                raise error(
                    "insufficient_credits",
                    f"The campaign needs {number(cost)} credits; the balance is {number(credits.balance())}",
                    details={"required": number(cost), "available": number(credits.balance())},
                )
            record = self._insert(data, recipients)
            tracked = self.track(CAMPAIGN, record["id"])
        return present_campaign(tracked, CREATED_FIELDS)

    def _check_sender(self, channel: str, sender_id: str) -> None:
        # [seed] a registered, approved Sender ID for sms/whatsapp/telegram, a verified address for email.
        key = f"{channel}:{sender_id.strip().lower() if channel == 'email' else sender_id}"
        sender = self.store.get(self.table("sender_ids"), key)
        if channel == "email" and (sender is None or sender["status"] != "verified"):
            raise error(
                "validation_error",
                f"sender_id '{sender_id}' is not a verified email sender",
                details={"fields": {"sender_id": ["not a verified email sender"]}},
            )
        if sender is None:
            raise error(
                "validation_error",
                f"sender_id '{sender_id}' is not registered for {channel}",
                details={"fields": {"sender_id": [f"not registered for {channel}"]}},
            )
        if sender["status"] not in ("approved", "verified"):
            raise error(
                "validation_error",
                f"sender_id '{sender_id}' is not approved for {channel} (status {sender['status']})",
                details={"fields": {"sender_id": [f"status {sender['status']}"]}},
            )

    @staticmethod
    def _check_content(data: Mapping[str, Any]) -> None:
        has_body = bool((data.get("body") or "").strip())
        if not has_body and data.get("template") is None:
            raise error(
                "validation_error",
                "body is required unless template is provided",
                details={"fields": {"body": ["required unless template is provided"]}},
            )
        if not has_body and data["channel"] != "whatsapp":
            # [seed] templates are WhatsApp-approved templates, so other channels need a body [decided].
            raise error(
                "validation_error",
                f"template is only available on whatsapp; a {data['channel']} campaign needs a body",
                details={"fields": {"template": ["whatsapp only"]}},
            )

    def _recipients(self, contact_list: Mapping[str, Any], channel: str) -> list[dict[str, Any]]:
        """Every active contact of the list [seed]; one without an address on the channel cannot be reached."""
        found = []
        for contact_id in contact_list.get("contacts", []):
            contact = self.store.get(self.table("contacts"), contact_id)
            if contact is None or contact.get("status", "active") != "active":
                continue
            to = contact.get("phone") if channel in PHONE_CHANNELS else contact.get("email")
            found.append(
                {"contact_id": contact_id, "to": to, "undeliverable": bool(contact.get("undeliverable")) or not to}
            )
        return found

    def _insert(self, data: dict[str, Any], recipients: list[dict[str, Any]]) -> dict[str, Any]:
        campaign_id = self.new_id("cmp", "campaigns")
        scheduled = data.get("scheduled_at")
        record = {
            "id": campaign_id,
            "name": data["name"],
            "status": "draft",
            "channel": data["channel"],
            "contact_list_id": data["contact_list_id"],
            "sender_id": data["sender_id"],
            "body": data.get("body"),
            "template": data.get("template"),
            "total_contacts": len(recipients),
            "delivered": 0,
            "failed": 0,
            "created_at": iso(self.now()),
            "scheduled_at": iso(scheduled) if scheduled else None,
            "started_at": None,
            "completed_at": None,
            "dispatched": 0,
            "_confirmed": 0,
            "_receipts": [],
        }
        messages = self.table("messages")
        for index, recipient in enumerate(recipients):
            message = {
                "id": f"msg_{self.services.ids.token(12, ID_ALPHABET)}",
                "campaign_id": campaign_id,
                **recipient,
                "status": "queued",
            }
            self.store.insert(messages, message_key(campaign_id, index), message)
        self.store.insert(self.table("campaigns"), campaign_id, record)
        return record

    def get(self, campaign_id: str) -> dict[str, Any]:
        found = self.observe(CAMPAIGN, campaign_id)
        if found is None:
            raise error("not_found", f"Campaign '{campaign_id}' does not exist", details={"id": campaign_id})
        return present_campaign(found)

    def page(self, paging: Mapping[str, int]) -> dict[str, Any]:
        return self.paged("campaigns", paging, present_campaign)
