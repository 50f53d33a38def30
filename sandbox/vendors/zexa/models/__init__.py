"""Zexa backends: campaigns, contacts and sender ids, credits, webhooks, and a new tenant's reference data."""
