"""The dashboard at ``/_sandbox/``: one server-rendered page whose small script drives the public control API."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from sandbox.version import __version__

bp = Blueprint("sandbox_dashboard", __name__, template_folder="assets", static_folder="assets")


@bp.get("/")
def dashboard() -> Any:
    # Every action of the page goes through the same control API a test uses: the page holds no back door.
    return render_template("dashboard.html", version=__version__)
