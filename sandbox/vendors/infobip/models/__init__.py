"""Infobip backends: brands, campaigns, list queries, and a new tenant's reference data."""
