"""The dashboard's page: its own routes are the page and its assets; every control call is in the README's table."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from live_helpers import CONTROL

ROOT = Path(__file__).resolve().parents[2]
FILES = ("sandbox_state.image",)  # served images: stateless files, documented with their vendor


def shape(path: str) -> str:
    """A route as a comparable shape: ``/_sandbox/records/<vendor>/...`` and ``.../{vendor}/...`` alike."""
    return re.sub(r"<[^>]*>|\{[^}]*\}", "{}", path)


def readme_table() -> set[tuple[str, str]]:
    """(method, path shape) of each row of the README's control-API table; a method applies to the paths after it."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Control API") : text.index("## Dashboard and demo")]
    found = set()
    for line in section.splitlines():
        if not line.startswith("| ") or "`/_sandbox" not in line:
            continue
        methods: list[str] = []
        for method, path in re.findall(r"\b([A-Z]{3,}(?:/[A-Z]{3,})*) |`(/_sandbox[^`?]*)", line.split("|")[1]):
            if method:
                methods = method.split("/")
            else:
                found.update((name, shape(path)) for name in methods)
    return found


def test_the_dashboard_serves_its_page_and_assets_and_nothing_else(app: Flask) -> None:
    # No back door: whatever the page does, it does through the control API below.
    rules = {rule.rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("sandbox_dashboard.")}
    assert rules == {"/_sandbox/", "/_sandbox/assets/<path:filename>"}


def test_every_control_call_is_in_the_readmes_table(app: Flask) -> None:
    documented = readme_table()
    assert len(documented) > 30  # the table was read
    missing = [
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.split(".")[0] in CONTROL and rule.endpoint not in FILES
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
        if (method, shape(rule.rule)) not in documented
    ]
    assert missing == []


def test_the_page_and_its_assets_come_from_the_package(client: FlaskClient) -> None:
    page = client.get("/_sandbox/")
    assert page.status_code == 200 and "campaign-sandbox" in page.get_data(as_text=True)
    for asset in re.findall(r'(?:href|src)="(/_sandbox/assets/[^"]+)"', page.get_data(as_text=True)):
        assert client.get(asset).status_code == 200, asset
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r'^"sandbox\.web" = \["assets/\*"\]', pyproject, re.M)  # shipped in the wheel, not only here
    assert not [path for path in (ROOT / "sandbox/web/assets").rglob("*") if path.is_dir()]  # assets/* takes all
