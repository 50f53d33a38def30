"""WSGI middleware: a request addressed to a vendor's real host reaches that vendor without the prefix."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Mapping
from typing import Any

WSGIApp = Any


class VendorHostRouter:
    """Prefixes ``PATH_INFO`` with ``/<vendor>`` when ``Host`` matches one of the vendor's host globs.

    This is how an HTTP proxy, a hosts-file entry or an in-process transport reaches the sandbox with
    the vendor's own URLs unchanged.
    """

    def __init__(self, app: WSGIApp, hosts: Mapping[str, Iterable[str]]) -> None:
        self.app = app
        patterns = [
            (re.compile(fnmatch.translate(pattern.lower())), f"/{vendor}")
            for vendor, globs in hosts.items()
            for pattern in globs
        ]
        self._patterns = patterns

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        host = (environ.get("HTTP_HOST") or "").split(":", 1)[0].lower()
        if host and host not in ("127.0.0.1", "localhost"):
            for pattern, prefix in self._patterns:
                if pattern.match(host):
                    environ["PATH_INFO"] = prefix + environ.get("PATH_INFO", "")
                    break
        return self.app(environ, start_response)
