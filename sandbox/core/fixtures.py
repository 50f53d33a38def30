"""Reads a vendor's fixture files (YAML or JSON) from the fixtures directory."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml


def load_vendor_fixtures(root: Path, vendor: str) -> dict[str, Any]:
    """``{file stem: parsed content}`` for every ``fixtures/<vendor>/*.yaml|*.yml|*.json``."""
    folder = root / vendor
    found: dict[str, Any] = {}
    if not folder.is_dir():
        return found
    for path in sorted(folder.iterdir()):
        if path.suffix in (".yaml", ".yml"):
            found[path.stem] = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
        elif path.suffix == ".json":
            found[path.stem] = json.loads(path.read_text(encoding="utf-8"))
    return found


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
