"""One package per emulated vendor; this module stays import-free so the CLI can list them cheaply."""

VENDOR_MODULES = ("webex", "dailystory", "infobip", "zexa")
