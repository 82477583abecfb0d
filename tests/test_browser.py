"""End to end in a real browser: Debian's headless Chromium, driven by Playwright, against the real server.

The browser opens an unsubscribe link, clicks the button and sees the confirmation, after which the worker
sends the patient nothing; it also opens the staff gallery in Arabic and in Chinese, and the screenshots are
checked to be real pages (not blank)."""

from __future__ import annotations

import datetime as dt
import io
import shutil

import pytest
from PIL import Image

from scarleaflets.build import Selection, build
from scarleaflets.config import open_project
from scarleaflets.delivery import open_transport
from scarleaflets.mailing import EnrollmentRequest, Mailing
from scarleaflets.signing import unsubscribe_token
from scarleaflets.store import Store

from .conftest import REPO, start_server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SECRET = "b" * 40
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (make test installs it)"
)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    work = tmp_path_factory.mktemp("browser")
    db = f"sqlite:///{work / 'web.db'}"
    leaflets = work / "leaflets"
    project = open_project(REPO)
    today = dt.date.today()
    for brand, locale in (("riverside", "ar"), ("harbor", "zh_Hans")):
        result = build(
            project,
            today,
            Selection((brand,), (locale,), ("scar-types", "lasers")),
            out_dir=leaflets,
            workers=1,
        )
        assert result.ok
    mailing = Mailing(project, Store.open(db), SECRET.encode(), today)
    enrollment_id, _ = mailing.enroll(
        EnrollmentRequest(
            "browser@example.org",
            "Browser Patient",
            "fr",
            "riverside",
            "acne-education",
            "Europe/Paris",
            None,
        ),
        dt.datetime.now(dt.UTC),
    )
    mailing.store.close()
    process, base = start_server(db, SECRET, "--leaflets", str(leaflets))
    yield {
        "base": base,
        "db": db,
        "token": unsubscribe_token(SECRET.encode(), enrollment_id, today),
        "work": work,
    }
    process.terminate()
    process.communicate(timeout=30)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()


def _not_blank(png: bytes) -> None:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    colours = image.getcolors(maxcolors=1_000_000)
    assert colours is not None
    assert len(colours) > 20, "the screenshot is (nearly) a single colour"


def test_a_patient_unsubscribes_with_the_button(server, browser, tmp_path):
    page = browser.new_page()
    page.goto(f"{server['base']}/u/{server['token']}")
    assert page.locator("html").get_attribute("lang") == "fr"
    store = Store.open(server["db"])
    assert store.enrollment_counts() == {"active": 1}  # opening the page changed nothing
    page.locator("button[type=submit]").click()
    page.wait_for_selector("#done")
    assert page.locator("#done").inner_text().strip() != ""
    _not_blank(page.screenshot(full_page=True))
    page.close()
    assert store.enrollment_counts() == {"unsubscribed": 1}
    store.close()
    mailing = Mailing(open_project(REPO), Store.open(server["db"]), SECRET.encode(), dt.date.today())
    transport = open_transport(f"maildir://{tmp_path / 'box'}", REPO)
    moment = dt.datetime.now(dt.UTC)
    for hours in range(0, 24 * 50, 6):
        assert mailing.send_due(moment + dt.timedelta(hours=hours), transport, worker="w").sent == 0
    mailing.store.close()


@pytest.mark.parametrize(
    ("brand", "locale", "token"),
    [("riverside", "ar", "demo-riverside-token"), ("harbor", "zh_Hans", "demo-harbor-token")],
)
def test_staff_see_the_gallery_in_arabic_and_chinese(server, browser, brand, locale, token):
    context = browser.new_context(http_credentials={"username": brand, "password": token})
    page = context.new_page()
    response = page.goto(f"{server['base']}/gallery/{brand}/{locale}/")
    assert response is not None
    assert response.status == 200
    grid = page.locator("ul.grid")
    assert grid.get_attribute("dir") == ("rtl" if locale == "ar" else "ltr")
    assert page.locator("ul.grid img").count() == 2  # the two leaflets built for this test
    png = page.screenshot(full_page=True)
    (server["work"] / f"gallery-{locale}.png").write_bytes(png)
    _not_blank(png)
    email = page.goto(f"{server['base']}/gallery/{brand}/{locale}/email/acne-education/welcome.html")
    assert email is not None
    assert email.status == 200
    _not_blank(page.screenshot(full_page=True))
    context.close()
