"""Regenerates docs/dashboard.png (or the path given): the dashboard with the demo story, in Debian's Chromium.

`make screenshot` runs it; tests/live/test_dashboard_live.py runs it too, into a folder of its own.
"""

from __future__ import annotations

import shutil
import sys
import threading
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from sandbox.app import create_app
from sandbox.demo import tell

OUTPUT = Path(__file__).resolve().parent / "dashboard.png"
# No background networking: the browser talks only to the server started here.
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions"]  # fmt: skip


def failed_delivery(sandbox: Any) -> bool:
    return any(row["status"] == "failed" for row in sandbox.outbox.deliveries("demo"))


def main(argv: list[str]) -> int:
    output = Path(argv[0]) if argv else OUTPUT
    chromium = shutil.which("chromium")
    if chromium is None:
        print("Chromium is missing: apt-get install chromium", file=sys.stderr)
        return 1
    app = create_app()
    sandbox = app.extensions["sandbox"]
    sandbox.outbox.start()
    told = tell(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    deadline = time.monotonic() + 30  # the broken webhook endpoint's retries run out in real time, as in a live demo
    while not failed_delivery(sandbox) and time.monotonic() < deadline:
        time.sleep(0.1)
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1100})
        page.goto(f"http://127.0.0.1:{server.server_port}/_sandbox/")
        page.wait_for_selector('table[data-kind="zexa.campaigns"] progress')
        page.get_by_role("button", name="Happy Hour").click()  # the rejected Infobip campaign's timeline
        page.wait_for_selector("#timeline-steps tr")
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(output))  # the first screen: clock, lifecycles and every vendor's records
        browser.close()
    server.shutdown()
    sandbox.close()
    print(f"wrote {output} ({told['infobip']['rejected']} opened)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
