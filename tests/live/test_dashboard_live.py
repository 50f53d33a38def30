"""The dashboard at /_sandbox/ in a real browser (Playwright driving Debian's Chromium) against a live sandbox."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests
from infobip_helpers import campaign_body
from live_helpers import free_port

pytestmark = pytest.mark.live

playwright_api = pytest.importorskip("playwright.sync_api")
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
    opened.on("pageerror", lambda error: errors.append(str(error)))
    opened.goto(f"{sandbox_server.url}/_sandbox/")
    opened.wait_for_selector("table.kind", timeout=WAIT_MS)
    yield opened
    context.close()
    assert not errors, errors


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
    playwright_api.expect(campaigns).to_contain_text("Created by curl", timeout=1500)


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
    row.get_by_role("button", name="Redeliver").click()
    playwright_api.expect(page.locator("#status")).to_contain_text("queued again", timeout=WAIT_MS)
    deliveries = requests.get(
        f"{url}/_sandbox/webhooks/deliveries?tenant={tenant.name}&event=campaign.sent", timeout=5
    ).json()
    assert deliveries["total"] == 1
    playwright_api.expect(row).to_contain_text("failed", timeout=WAIT_MS)
    attempts = requests.get(
        f"{url}/_sandbox/webhooks/deliveries?tenant={tenant.name}&event=campaign.sent", timeout=5
    ).json()
    assert len(attempts["deliveries"][0]["attempts"]) == 2  # the first one and the redelivery


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


def test_every_control_is_labelled_and_reachable_by_keyboard(page: Any) -> None:
    unlabeled = page.evaluate(
        """() => [...document.querySelectorAll('input, select')].filter((c) =>
             !(c.labels && c.labels.length) && !c.getAttribute('aria-label')).map((c) => c.outerHTML)"""
    )
    assert unlabeled == []
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "tenant"


def test_a_narrow_window_has_no_sideways_scrolling(browser: Any, sandbox_server: Any, tenant: Tenant) -> None:
    context = browser.new_context(viewport={"width": 420, "height": 800})
    narrow = context.new_page()
    narrow.goto(f"{sandbox_server.url}/_sandbox/")
    narrow.wait_for_selector("table.kind", timeout=WAIT_MS)
    width = narrow.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert width <= 420


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
    from pathlib import Path

    from live_helpers import ServerProcess

    server = ServerProcess("--control-token", "dash-token-0001", cwd=Path(__file__).resolve().parents[2])
    try:
        server.wait_ready()
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{server.url}/_sandbox/")  # the page itself holds no state: served without the token
        playwright_api.expect(page.locator("#token-form")).to_be_visible(timeout=WAIT_MS)
        assert page.locator("table.kind").count() == 0  # no record, no tenant name before the token
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
