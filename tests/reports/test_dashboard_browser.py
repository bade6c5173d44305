"""The analysts' dashboard in headless Chromium: charts show the API's numbers, withheld and suppressed made visible."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from django.contrib.auth.models import Group, User
from pytest_django.live_server_helper import LiveServer

from reports.permissions import ANALYSTS_GROUP
from tests.emotions.factories import VisitorFactory
from tests.exhibits.factories import ExhibitFactory
from tests.reports.conftest import event_at
from tests.visit.browser import CHROMIUM, CHROMIUM_ARGS

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.timeout(300),
    pytest.mark.skipif(not CHROMIUM.is_file(), reason=f"needs Chromium at {CHROMIUM} (apt-get install chromium)"),
]
MOMENT = datetime(2026, 11, 20, 11, tzinfo=UTC)


@pytest.fixture
def dashboard_data(transactional_db: None) -> None:
    """Portrait: 15 visitors and one visitor's three angry selfies; Quiet corner: that visitor alone."""
    portrait, corner = ExhibitFactory.create(title="Portrait"), ExhibitFactory.create(title="Quiet corner")
    for minute, label in enumerate(["happy"] * 9 + ["neutral"] * 6):
        event_at(MOMENT + timedelta(minutes=minute), exhibit=portrait, visitor=VisitorFactory.create(), label=label)
    lone = VisitorFactory.create()
    for minute in range(3):
        event_at(MOMENT + timedelta(hours=1, minutes=minute), exhibit=portrait, visitor=lone, label="angry")
        event_at(MOMENT + timedelta(hours=2, minutes=minute), exhibit=corner, visitor=lone, label="sad")
    analyst = User.objects.create_user("ana", password="pw-ana-123456")
    # get_or_create: an earlier transactional test may have flushed the group its migration made.
    analyst.groups.add(Group.objects.get_or_create(name=ANALYSTS_GROUP)[0])


@pytest.fixture
def page(live_server: LiveServer, dashboard_data: None) -> Iterator[Page]:
    """Chromium, started after the data is in (the ORM refuses to run inside Playwright's event loop)."""
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("response", lambda response: errors.append(response.url) if response.status >= 400 else None)
        yield page
        browser.close()
    assert errors == []


def test_the_dashboard_charts_the_report_with_withheld_emotions_and_suppressed_exhibits(
    page: Page, live_server: LiveServer
) -> None:
    page.goto(f"{live_server.url}/reports/login/")
    page.fill("input[name=username]", "ana")
    page.fill("input[name=password]", "pw-ana-123456")
    page.click("button[type=submit]")
    page.wait_for_url("**/reports/dashboard/**")
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('chart-exhibits'))")

    chart = page.evaluate(
        """() => {
          const chart = Chart.getChart(document.getElementById('chart-exhibits'));
          return {bars: chart.data.labels, sets: chart.data.datasets.map((d) => [d.label, d.data])};
        }"""
    )
    sets = dict(chart["sets"])
    assert chart["bars"] == ["Portrait"], "the lone visitor's exhibit has no bar"
    assert sets["angry"] == [None] and sets["neutral"] == [None], "the small cell and its complement are withheld"
    withheld = sets["withheld (< 5 visitors)"][0]
    assert 0 < withheld <= 1 and abs(withheld + sets["happy"][0] - 1) < 1e-6
    api = page.evaluate("async () => (await (await fetch('/api/v1/reports/emotions/?group_by=exhibit')).json()).groups")
    shown = next(group for group in api if group["name"] == "Portrait")
    assert sets["happy"] == [shown["emotions"]["happy"]["share"]]
    assert "Quiet corner" in page.inner_text("#suppressed-exhibits")
