"""The dashboard at /_sandbox/ in a real browser (Playwright driving Debian's Chromium) against a live sandbox."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from axe_playwright_python.sync_playwright import Axe
from infobip_helpers import campaign_body
from live_helpers import CONTROL, ServerProcess, free_port, wait_until
from PIL import Image
from playwright import sync_api as playwright_api  # a dev dependency: missing, the suite fails rather than skips

pytestmark = pytest.mark.live

ROOT = Path(__file__).resolve().parents[2]
PAGE = ("sandbox_dashboard",)  # besides the control API (CONTROL), the page may fetch only its own page and assets
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# No background networking: nothing may leave this machine (the page itself fetches only its own server).
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
]
WAIT_MS = 5000


@dataclass
class Tenant:
    """A tenant of the test's own on the shared live server, with a key for each vendor."""

    name: str
    webex: dict[str, str]
    infobip: dict[str, str]
    zexa: dict[str, str]


@pytest.fixture
def tenant(sandbox_server: Any) -> Tenant:
    name = f"dash-{uuid.uuid4().hex[:12]}"
    headers = {}
    for vendor in ("webex", "infobip", "zexa"):
        secret = f"{vendor}-{uuid.uuid4().hex}"
        made = requests.post(
            f"{sandbox_server.url}/_sandbox/credentials",
            json={"vendor": vendor, "secret": secret, "tenant": name},
            timeout=5,
        )
        assert made.status_code in (200, 201), made.text
        headers[vendor] = {"Authorization": ("App " if vendor == "infobip" else "Bearer ") + secret}
    return Tenant(name, headers["webex"], headers["infobip"], headers["zexa"])


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if CHROMIUM is None:
        pytest.fail("Chromium is missing: `make test` installs Debian's chromium package")
    with playwright_api.sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, sandbox_server: Any, tenant: Tenant) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, timezone_id="Asia/Tokyo")
    # The page opens on the tenant it last showed in this browser tab: this test's own.
    context.add_init_script(f"sessionStorage.setItem('tenant', {tenant.name!r})")
    opened = context.new_page()
    errors: list[str] = []
    answered: list[tuple[str, str, int]] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    opened.on("response", lambda response: answered.append((response.request.method, response.url, response.status)))
    opened.goto(f"{sandbox_server.url}/_sandbox/")
    opened.wait_for_selector("table.kind", timeout=WAIT_MS)
    yield opened
    context.close()
    assert not errors, errors
    assert_control_calls(sandbox_server, answered)


def assert_control_calls(server: Any, answered: list[tuple[str, str, int]]) -> None:
    """Every call the page made went to the control API a test uses (or fetched its own files), and succeeded."""
    assert answered
    if server.app is None:  # a shared server (--sandbox-url): its routes are not at hand
        return
    adapter = server.app.url_map.bind("127.0.0.1")
    for method, url, status in answered:
        endpoint, _ = adapter.match(urlsplit(url).path, method=method)
        assert endpoint.split(".")[0] in CONTROL + PAGE, (method, url, endpoint)
        assert status < 400, (method, url, status)


def webex_campaign(url: str, tenant: Tenant, name: str) -> str:
    body = {
        "name": name,
        "categoryId": "Others",
        "notifications": [{"emailId": "a@b.c"}],
        "alertsettings": [{"alertType": "N"}],
    }
    response = requests.post(f"{url}/webex/v1/campaigns", json=body, headers=tenant.webex, timeout=5)
    assert response.status_code == 200, response.text
    return str(response.json()["id"])


def test_a_campaign_created_by_http_appears_within_a_second(page: Any, sandbox_server: Any, tenant: Tenant) -> None:
    webex_campaign(sandbox_server.url, tenant, "Created by curl")
    campaigns = page.locator('table[data-kind="webex.campaigns"]')
    playwright_api.expect(campaigns).to_contain_text("Created by curl", timeout=1000)  # the "within a second"


def test_the_clock_buttons_take_an_infobip_campaign_to_registered_on_its_timeline(
    page: Any, sandbox_server: Any, tenant: Tenant
) -> None:
    base = f"{sandbox_server.url}/infobip/number-registration/1"
    created = requests.post(f"{base}/campaigns", json=campaign_body(), headers=tenant.infobip, timeout=5)
    assert created.status_code == 201, created.text
    campaign_id = created.json()["id"]
    assert (
        requests.post(f"{base}/campaigns/{campaign_id}/register", headers=tenant.infobip, timeout=5).status_code == 202
    )
    rows = page.locator('table[data-kind="infobip.campaigns"] tbody tr')
    playwright_api.expect(rows.first).to_contain_text("SUBMITTED_FOR_REVIEW", timeout=WAIT_MS)
    page.get_by_role("button", name=str(created.json()["name"])).first.click()
    timeline = page.locator("#timeline")
    playwright_api.expect(timeline).to_be_visible()
    for _ in range(4):  # queue, internal review, submission, carrier review
        page.get_by_role("button", name="To the next step").click()
        page.wait_for_timeout(300)
    playwright_api.expect(page.locator("#timeline-steps")).to_contain_text("REGISTERED", timeout=WAIT_MS)
    playwright_api.expect(page.locator("#timeline-steps tr")).to_have_count(6, timeout=WAIT_MS)
    playwright_api.expect(page.locator("#timeline-next")).to_contain_text("settled")


def test_an_activated_scenario_fails_the_next_call_and_the_journal_names_the_rule(
    page: Any, sandbox_server: Any, tenant: Tenant
) -> None:
    row = page.locator("#scenario-rows tr", has_text="webex-category-required")
    row.get_by_role("button", name="Activate").click()
    playwright_api.expect(row.get_by_role("button", name="Deactivate")).to_be_visible(timeout=WAIT_MS)
    body = {
        "name": "x",
        "categoryId": "Others",
        "notifications": [{"emailId": "a@b.c"}],
        "alertsettings": [{"alertType": "N"}],
    }
    failed = requests.post(f"{sandbox_server.url}/webex/v1/campaigns", json=body, headers=tenant.webex, timeout=5)
    assert failed.status_code == 400
    entry = page.locator("#journal-entries li").first
    playwright_api.expect(entry).to_contain_text("→ 400", timeout=WAIT_MS)
    playwright_api.expect(entry).to_contain_text("rule webex-category-required#0")


def test_a_failed_webhook_is_redelivered_from_the_page(page: Any, sandbox_server: Any, tenant: Tenant) -> None:
    url = sandbox_server.url
    config = {"tenant": tenant.name, "max_attempts": 1, "backoff_seconds": [0.1], "timeout_seconds": 0.5}
    assert requests.patch(f"{url}/_sandbox/webhooks/config", json=config, timeout=5).status_code == 200
    hook = {"url": f"http://127.0.0.1:{free_port()}/hook", "events": ["campaign.sent"]}  # nothing listens
    assert requests.post(f"{url}/zexa/v1/webhooks", json=hook, headers=tenant.zexa, timeout=5).status_code == 201
    campaign = {
        "name": "Weekend",
        "channel": "sms",
        "contact_list_id": "lst_abc123",
        "sender_id": "MYBRAND",
        "body": "Hi",
    }
    assert requests.post(f"{url}/zexa/v1/campaigns", json=campaign, headers=tenant.zexa, timeout=5).status_code == 201
    requests.post(f"{url}/_sandbox/clock/advance", json={"tenant": tenant.name, "seconds": 60}, timeout=5)
    row = page.locator("#delivery-rows tr", has_text="campaign.sent")
    playwright_api.expect(row).to_contain_text("failed", timeout=WAIT_MS)
    first = row.locator("td").nth(3).inner_text()
    row.get_by_role("button", name="Redeliver").click()
    playwright_api.expect(page.locator("#status")).to_contain_text("queued again", timeout=WAIT_MS)
    listed = f"{url}/_sandbox/webhooks/deliveries?tenant={tenant.name}&event=campaign.sent"

    def redelivered() -> dict[str, Any] | None:
        found = requests.get(listed, timeout=5).json()
        assert found["total"] == 1  # sent again, not a second delivery
        done = found["deliveries"][0]
        return done if done["status"] == "failed" and len(done["attempts"]) == 2 else None

    delivery = wait_until(redelivered, timeout=WAIT_MS / 1000, what="the redelivery's attempt")
    shown = ", ".join(
        str(attempt["error"] if attempt["status_code"] is None else attempt["status_code"])
        for attempt in delivery["attempts"]
    )
    assert shown.startswith(first)  # the first attempt, then the redelivery's
    playwright_api.expect(row.locator("td").nth(3)).to_have_text(shown, timeout=WAIT_MS)


def test_reset_empties_the_tenant(page: Any, sandbox_server: Any, tenant: Tenant) -> None:
    webex_campaign(sandbox_server.url, tenant, "Soon gone")
    campaigns = page.locator('table[data-kind="webex.campaigns"]')
    playwright_api.expect(campaigns).to_contain_text("Soon gone", timeout=WAIT_MS)
    page.get_by_role("button", name="Reset this tenant").click()
    playwright_api.expect(campaigns).to_contain_text("none yet", timeout=WAIT_MS)
    assert requests.get(f"{sandbox_server.url}/webex/v1/campaigns", headers=tenant.webex, timeout=5).json() == []


def test_times_are_in_the_viewers_zone_and_the_offset_shows(page: Any, sandbox_server: Any) -> None:
    page.get_by_role("button", name="+1 day").click()
    playwright_api.expect(page.locator("#offset")).to_contain_text("+24.00 h", timeout=WAIT_MS)
    shown = page.locator("#now").inner_text()
    iso = page.locator("#now").get_attribute("datetime")
    expected = page.evaluate("(iso) => new Date(iso).toLocaleString('en-US', {timeZone: 'Asia/Tokyo'})", iso)
    assert shown == expected  # formatted in the viewer's zone (the context's Asia/Tokyo), not the server's


# A control as the keyboard meets it: its id, data-key, or its text (the nodes are drawn again at each refresh).
NAME_OF = "(c) => c.id || c.dataset.key || c.getAttribute('aria-label') || c.textContent.trim()"
CONTROLS = f"""() => [...document.querySelectorAll('button, input, select, summary, a[href]')]
    .filter((c) => !c.disabled && c.getClientRects().length).map({NAME_OF})"""


def refreshes(page: Any, count: int = 2) -> None:
    """Wait for the page's next refresh rounds (each reads the tenant's records), not for a span of time."""
    for _ in range(count):
        with page.expect_response(lambda response: "/_sandbox/records?" in response.url, timeout=WAIT_MS):
            pass


def test_every_control_is_labelled_and_reachable_by_keyboard(page: Any, sandbox_server: Any, tenant: Tenant) -> None:
    webex_campaign(sandbox_server.url, tenant, "Keyboard")  # a journal entry to open
    playwright_api.expect(page.locator("#journal-entries summary")).to_have_count(1, timeout=WAIT_MS)
    unlabeled = page.evaluate(
        """() => [...document.querySelectorAll('input, select')].filter((c) =>
             !(c.labels && c.labels.length) && !c.getAttribute('aria-label')).map((c) => c.outerHTML)"""
    )
    assert unlabeled == []
    controls = set(page.evaluate(CONTROLS))
    reached: list[str] = []
    for _ in range(4 * len(controls)):  # a date input takes a Tab per field
        page.keyboard.press("Tab")
        reached.append(page.evaluate(f"({NAME_OF})(document.activeElement)"))
        if controls <= set(reached):
            break
    assert reached[0] == "tenant"
    assert controls - set(reached) == set()


def test_the_keyboard_keeps_its_place_while_the_page_refreshes(page: Any, sandbox_server: Any, tenant: Tenant) -> None:
    base = f"{sandbox_server.url}/infobip/number-registration/1"
    created = requests.post(f"{base}/campaigns", json=campaign_body(), headers=tenant.infobip, timeout=5).json()
    opener = page.get_by_role("button", name=str(created["name"])).first
    opener.focus()
    refreshes(page)  # the records are drawn again: the focus stays on the same record
    page.keyboard.press("Enter")
    playwright_api.expect(page.locator("#timeline")).to_be_visible(timeout=WAIT_MS)
    page.locator("#journal-entries summary").first.click()  # an opened journal entry stays open
    refreshes(page)
    assert page.locator("#journal-entries details").first.evaluate("(details) => details.open")
    # A lifecycle mode chosen by keyboard survives the refreshes until it is applied
    mode = page.get_by_label("webex.deployment mode")
    mode.focus()
    mode.select_option("manual")
    page.keyboard.press("Tab")  # the forced outcome
    page.keyboard.press("Tab")  # Apply
    refreshes(page)
    assert page.evaluate("document.activeElement.dataset.key") == "webex.deployment:apply"
    page.keyboard.press("Enter")
    playwright_api.expect(page.locator("#status")).to_contain_text("webex.deployment: manual", timeout=WAIT_MS)
    lifecycles = requests.get(f"{sandbox_server.url}/_sandbox/lifecycles?tenant={tenant.name}", timeout=5).json()
    chosen = {row["name"]: row["config"]["mode"] for row in lifecycles["lifecycles"]}
    assert chosen["webex.deployment"] == "manual" and chosen["webex.event"] == "time"


def test_a_snapshot_exported_from_the_page_imports_back(browser: Any, tmp_path: Path) -> None:
    # Its own server: the import replaces the whole sandbox, which the shared server's other tests must not see.
    server = ServerProcess(cwd=ROOT)
    try:
        server.wait_ready()
        other = requests.post(f"{server.url}/_sandbox/credentials", json={"vendor": "zexa"}, timeout=5).json()
        demo = {"Authorization": "Bearer demo-webex-api-key-0001"}
        body = {"categoryId": "Others", "notifications": [{"emailId": "a@b.c"}], "alertsettings": [{"alertType": "N"}]}
        campaigns = f"{server.url}/webex/v1/campaigns"
        assert requests.post(campaigns, json={**body, "name": "Kept"}, headers=demo, timeout=5).status_code == 200
        requests.post(f"{server.url}/_sandbox/clock/advance", json={"tenant": "demo", "seconds": 3600}, timeout=5)
        context = browser.new_context(accept_downloads=True)
        page = context.new_page()
        page.goto(f"{server.url}/_sandbox/")
        playwright_api.expect(page.locator('table[data-kind="webex.campaigns"]')).to_contain_text("Kept")
        with page.expect_download(timeout=WAIT_MS) as download:
            page.get_by_role("button", name="Export a snapshot").click()
        saved = tmp_path / "snapshot.json"
        download.value.save_as(saved)
        assert "webex.campaigns/demo" in json.loads(saved.read_text())["tables"]
        assert requests.post(campaigns, json={**body, "name": "Undone"}, headers=demo, timeout=5).status_code == 200
        page.set_input_files("#import-file", str(saved))
        page.get_by_role("button", name="Import", exact=True).click()
        playwright_api.expect(page.locator("#status")).to_contain_text("snapshot imported", timeout=WAIT_MS)
        context.close()
        assert [row["name"] for row in requests.get(campaigns, headers=demo, timeout=5).json()] == ["Kept"]
        clock = requests.get(f"{server.url}/_sandbox/clock?tenant=demo", timeout=5).json()
        assert clock["offset_seconds"] >= 3600  # the tenant's clock came back with its records
        credential = f"{server.url}/_sandbox/clock?credential={other['secret']}"
        assert requests.get(credential, timeout=5).json()["tenant"] == other["tenant"]  # other tenants too
    finally:
        server.stop()


@pytest.mark.parametrize("width", [1280, 420])
def test_the_demo_story_is_accessible_and_fits_the_window(browser: Any, width: int) -> None:
    server = ServerProcess("--demo", cwd=ROOT)
    try:
        server.wait_ready()
        context = browser.new_context(viewport={"width": width, "height": 800})
        page = context.new_page()
        page.goto(f"{server.url}/_sandbox/")
        page.wait_for_selector('table[data-kind="zexa.campaigns"] progress', timeout=WAIT_MS)
        page.get_by_role("button", name="Happy Hour").click()  # the rejected Infobip campaign's timeline
        page.wait_for_selector("#timeline-steps tr", timeout=WAIT_MS)
        page.locator("#journal-entries summary").first.click()
        page.wait_for_selector("#delivery-rows .badge.failed", timeout=WAIT_MS)  # webhooks delivered and failed
        zexa = page.locator('table[data-kind="zexa.campaigns"] caption')
        playwright_api.expect(zexa).to_have_text(re.compile(r"zexa · Campaigns \(\d+\) · [\d.]+ credits \(USD\)"))
        # axe-core (from its PyPI package) over the whole page: WCAG 2.1 A and AA and axe's best practices
        rules = {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}
        found = Axe().run(page, options={"resultTypes": ["violations"], "runOnly": rules})
        assert found.violations_count == 0, found.generate_report()
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scrolling
        context.close()
    finally:
        server.stop()


def test_make_screenshot_draws_the_dashboard_with_the_demo_story(tmp_path: Path) -> None:
    recipe = (ROOT / "Makefile").read_text().split("\nscreenshot:", 1)[1]
    assert "docs/screenshot.py" in recipe.split("\n\n", 1)[0]
    drawn = tmp_path / "dashboard.png"
    run = subprocess.run(
        [sys.executable, "docs/screenshot.py", str(drawn)], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    with Image.open(drawn) as picture:
        assert picture.size == (1280, 1100)


def test_the_page_fetches_nothing_but_its_own_server(browser: Any, sandbox_server: Any, tenant: Tenant) -> None:
    context = browser.new_context()
    opened = context.new_page()
    seen: list[str] = []
    opened.on("request", lambda request: seen.append(request.url))
    opened.goto(f"{sandbox_server.url}/_sandbox/")
    opened.wait_for_selector("table.kind", timeout=WAIT_MS)
    opened.wait_for_timeout(1200)  # a refresh round too
    context.close()
    assert seen and all(url.startswith(f"{sandbox_server.url}/_sandbox/") for url in seen), seen


def test_with_a_control_token_the_page_asks_for_it_and_shows_nothing_before(browser: Any) -> None:
    server = ServerProcess("--control-token", "dash-token-0001", cwd=ROOT)
    try:
        server.wait_ready()
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{server.url}/_sandbox/")  # the page itself holds no state: served without the token
        playwright_api.expect(page.locator("#token-form")).to_be_visible(timeout=WAIT_MS)
        page.wait_for_timeout(1200)  # a refresh round too: it must not fill anything in either
        for shown in ("#tenant option", "table.kind", "#journal-entries li", "#delivery-rows tr", "#scenario-rows tr"):
            assert page.locator(shown).count() == 0, shown  # no tenant name, record or body before the token
        assert page.locator("#now").inner_text() == ""
        page.get_by_label("Control token").fill("dash-token-0001")
        page.get_by_role("button", name="Use").click()
        page.wait_for_selector("table.kind", timeout=WAIT_MS)
        playwright_api.expect(page.locator("#tenant")).to_contain_text("demo")
        context.close()
    finally:
        server.stop()


def test_swagger_ui_tries_an_operation_out_against_this_sandbox_with_the_demo_key(
    browser: Any, sandbox_server: Any
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url))
    page.goto(f"{sandbox_server.url}/_sandbox/docs/webex")
    operation = page.locator("#operations-default-list_campaigns")
    operation.locator(".opblock-summary").click()
    operation.get_by_role("button", name="Execute").click()  # "Try it out" is on from the start
    status = operation.locator(".live-responses-table tbody .response-col_status").first
    playwright_api.expect(status).to_have_text("200", timeout=WAIT_MS)  # the demo key was prefilled
    context.close()
    assert all(url.startswith(f"{sandbox_server.url}/") for url in seen), seen  # offline: nothing else fetched


def test_the_journal_filters_a_date_advance_and_opening_by_credential(
    page: Any, sandbox_server: Any, tenant: Tenant
) -> None:
    url = sandbox_server.url
    webex_campaign(url, tenant, "Filtered")
    assert requests.post(f"{url}/zexa/v1/campaigns", json={}, headers=tenant.zexa, timeout=5).status_code == 400
    entries = page.locator("#journal-entries li")
    playwright_api.expect(entries).to_have_count(2, timeout=WAIT_MS)
    page.get_by_label("Vendor").select_option("zexa")
    playwright_api.expect(entries).to_have_count(1, timeout=WAIT_MS)
    playwright_api.expect(entries.first).to_contain_text("POST /zexa/v1/campaigns → 400")
    page.get_by_label("Vendor").select_option("")
    page.get_by_label("Status").fill("200")
    playwright_api.expect(entries).to_have_count(1, timeout=WAIT_MS)
    playwright_api.expect(entries.first).to_contain_text("POST /webex/v1/campaigns → 200")
    page.get_by_label("Status").fill("")
    page.get_by_label("Path (glob)").fill("/v1/nothing*")
    playwright_api.expect(entries).to_have_count(0, timeout=WAIT_MS)
    # Advance to a date typed in the viewer's zone: two days past the tenant's virtual now
    later = page.evaluate(
        """(iso) => { const d = new Date(new Date(iso).getTime() + 2 * 86400000);
           const p = (n) => String(n).padStart(2, "0");
           const day = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
           return `${day}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`; }""",
        page.locator("#now").get_attribute("datetime"),
    )
    page.get_by_label("Advance to (your time zone)").fill(later)
    page.get_by_role("button", name="Advance", exact=True).click()
    playwright_api.expect(page.locator("#offset")).to_contain_text("+48.00 h", timeout=WAIT_MS)
    # Open another tenant by one of its keys
    other = f"dash-other-{uuid.uuid4().hex[:8]}"
    made = requests.post(f"{url}/_sandbox/credentials", json={"vendor": "zexa", "tenant": other}, timeout=5).json()
    page.get_by_label("or open by credential").fill(made["secret"])
    page.get_by_role("button", name="Open").click()
    playwright_api.expect(page.locator("#status")).to_contain_text("opened by credential", timeout=WAIT_MS)
    playwright_api.expect(page.locator("#tenant")).to_have_value(other, timeout=WAIT_MS)
