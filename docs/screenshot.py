"""Regenerates docs/dashboard.png: the dashboard with the demo story, in Debian's Chromium (`make screenshot`)."""

from __future__ import annotations

import shutil
import sys
import threading
import time
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from sandbox.app import create_app
from sandbox.demo import tell

OUTPUT = Path(__file__).resolve().parent / "dashboard.png"
# No background networking: the browser talks only to the server started here.
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions"]  # fmt: skip


def main() -> int:
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
    time.sleep(3)  # real seconds: the broken webhook endpoint's retries run out, as in a live demo
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium, args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1100})
        page.goto(f"http://127.0.0.1:{server.server_port}/_sandbox/")
        page.wait_for_selector('table[data-kind="zexa.campaigns"] progress')
        page.get_by_role("button", name="Happy Hour").click()  # the rejected Infobip campaign's timeline
        page.wait_for_selector("#timeline-steps tr")
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(OUTPUT))  # the first screen: clock, lifecycles and every vendor's records
        browser.close()
    server.shutdown()
    sandbox.close()
    print(f"wrote {OUTPUT} ({told['infobip']['rejected']} opened)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
