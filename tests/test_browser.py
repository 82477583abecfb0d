"""End to end in a real browser: Debian's headless Chromium, driven by Playwright, against the real server.

The browser opens an unsubscribe link, clicks the button and sees the confirmation, after which the worker
sends the patient nothing; it also opens the staff gallery in Arabic and in Chinese, and the screenshots are
checked to be real pages (not blank). Every email step is opened at phone and desktop widths, in light and dark
mode, and measured: no sideways scrolling, no text past the edge, and readable contrast."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from PIL import Image

from scarleaflets.config import open_project
from scarleaflets.leaflets.build import Selection, build
from scarleaflets.mail import Enrollment, EnrollmentRequest, Mailing
from scarleaflets.mail.delivery import open_transport
from scarleaflets.mail.store import Store
from scarleaflets.signing import unsubscribe_token

from .conftest import CHROMIUM, REPO, SHIPPED_TODAY, start_server

SECRET = "b" * 40
NOW = dt.datetime.combine(SHIPPED_TODAY, dt.time(10), tzinfo=dt.UTC)
pytestmark = [
    pytest.mark.slow,  # a real Chromium and a real `serve` process
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (make test installs it)"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory, shipped_releases):
    work = tmp_path_factory.mktemp("browser")
    db = f"sqlite:///{work / 'web.db'}"
    leaflets = work / "leaflets"
    project = open_project(REPO)
    # Riverside's Arabic and Harbor's Chinese (neither clinic offers the other's language): one build, a
    # worker per core.
    selection = Selection(("riverside", "harbor"), ("ar", "zh_Hans"), ("scar-types", "lasers"))
    result = build(project, SHIPPED_TODAY, selection, out_dir=leaflets)
    assert result.ok
    assert sorted(item.job.relative for item in result.built) == [
        f"{brand}/{locale}/{topic}.pdf"
        for brand, locale in (("harbor", "zh_Hans"), ("riverside", "ar"))
        for topic in ("lasers", "scar-types")
    ]
    mailing = Mailing(project, Store.open(db), SECRET.encode(), SHIPPED_TODAY)
    enrollment_id, _ = mailing.enroll(
        EnrollmentRequest(
            "browser@example.org",
            "Browser Patient",
            "fr",
            "riverside",
            "acne-education",
            "Europe/Paris",
            None,
            dt.datetime(2026, 1, 5, 10, tzinfo=dt.UTC),
            "signed consent form",
        ),
        NOW,
    )
    mailing.store.close()
    process, base = start_server(db, SECRET, "--leaflets", str(leaflets), releases=shipped_releases)
    yield {
        "base": base,
        "db": db,
        # Dated by the real clock: the server is a real process, and checks the token's age against its clock.
        "token": unsubscribe_token(SECRET.encode(), enrollment_id, dt.date.today()),
        "work": work,
    }
    process.terminate()
    process.communicate(timeout=30)


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
    mailing = Mailing(open_project(REPO), Store.open(server["db"]), SECRET.encode(), SHIPPED_TODAY)
    transport = open_transport(f"maildir://{tmp_path / 'box'}", REPO)
    for hours in range(0, 24 * 50, 6):
        assert mailing.send_due(NOW + dt.timedelta(hours=hours), transport, worker="w").sent == 0
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


# Which emails the layout test opens: every step, in a left-to-right and a right-to-left language of each
# brand, and the scripts with the tallest and widest glyphs.
EMAIL_LOCALES = [
    ("riverside", "en_GB"),
    ("riverside", "ar"),
    ("riverside", "hi"),
    ("harbor", "zh_Hans"),
    ("harbor", "vi"),
]

# For every element with text of its own: its colour, the colour of the nearest background behind it, and how
# far it reaches to the right and left.
_TEXT_BOXES = """
() => {
  const out = [];
  const opaque = (el) => {
    for (let node = el; node; node = node.parentElement) {
      const bg = getComputedStyle(node).backgroundColor;
      if (bg && bg !== 'transparent' && !bg.endsWith(', 0)')) return bg;
    }
    return 'rgb(255, 255, 255)';
  };
  for (const el of document.body.querySelectorAll('*')) {
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    const style = getComputedStyle(el);
    if (!own || style.display === 'none' || style.visibility === 'hidden' || style.opacity === '0') continue;
    if (el.closest('[aria-hidden="true"], .preheader')) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    out.push({tag: el.tagName, text: el.textContent.trim().slice(0, 40), color: style.color,
              background: opaque(el), left: box.left, right: box.right});
  }
  return {width: window.innerWidth, scroll: document.documentElement.scrollWidth, boxes: out,
          dir: document.documentElement.dir};
}
"""


def _luminance(css: str) -> float:
    red, green, blue = (int(float(v)) for v in css[css.index("(") + 1 : css.index(")")].split(",")[:3])

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def _contrast(foreground: str, background: str) -> float:
    lighter, darker = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_every_email_reads_at_phone_and_desktop_widths_in_light_and_dark_mode(browser):
    """Every step's HTML, in real Chromium: no sideways scrolling and no text past the edge at 320 and 600 px,
    and every text at least 4.5:1 against its background (WCAG AA), in light mode and in dark mode."""
    import email
    from email import policy

    today = dt.date(2026, 12, 1)
    mailing = Mailing(open_project(REPO), Store.open("sqlite://"), SECRET.encode(), today)
    series = mailing.series["acne-education"]
    pages = {scheme: browser.new_page(color_scheme=scheme) for scheme in ("light", "dark")}
    checked = 0
    dark_headings: dict[str, set[str]] = {}
    for brand_id, locale in EMAIL_LOCALES:
        for step in series.steps:
            raw = mailing.composer(mailing.edition(locale)).compose(
                brand=mailing.brands[brand_id],
                series=series,
                step=step,
                recipient=Enrollment(
                    "p@example.org",
                    "Maria-Alexandra Konstantinopoulou-Wijesinghe",
                    locale,
                    brand_id,
                    series.id,
                    "UTC",
                    today,
                    dt.datetime(2026, 12, 1, tzinfo=dt.UTC),
                    "form",
                ),
                translator=mailing.translator(locale),
                manifest=mailing.manifests[locale],
                message_id=f"<1.{step.id}@example.org>",
                unsubscribe_url="https://unsubscribe.example.org/u/v1." + "x" * 90,
                now=dt.datetime(2026, 12, 1, 10, tzinfo=dt.UTC),
            )
            html = email.message_from_bytes(raw, policy=policy.default).get_body(("html",)).get_content()
            for scheme, page in pages.items():
                for width in (320, 600):
                    page.set_viewport_size({"width": width, "height": 800})
                    page.set_content(html, wait_until="load")
                    where = f"{brand_id}/{locale}/{step.id} at {width} px, {scheme}"
                    found = page.evaluate(_TEXT_BOXES)
                    assert found["dir"] == ("rtl" if locale == "ar" else "ltr"), where
                    assert found["scroll"] <= found["width"], f"{where}: scrolls sideways"
                    assert found["boxes"], where
                    for box in found["boxes"]:
                        assert box["left"] >= -1, f"{where}: {box} past the left edge"
                        assert box["right"] <= width + 1, f"{where}: {box} past the right edge"
                        ratio = _contrast(box["color"], box["background"])
                        assert ratio >= 4.5, f"{where}: {box['tag']} {box['text']!r} contrast {ratio:.2f}"
                        if scheme == "dark" and box["tag"] == "H2":
                            dark_headings.setdefault(brand_id, set()).add(box["color"])
                    checked += 1
    assert checked == len(EMAIL_LOCALES) * len(series.steps) * 4
    # Dark-mode headings take each brand's own colour, lightened to AA (measured above): not one fixed teal.
    assert {brand: len(colours) for brand, colours in dark_headings.items()} == {"riverside": 1, "harbor": 1}
    assert dark_headings["riverside"] != dark_headings["harbor"]
    for page in pages.values():
        page.close()
    mailing.store.close()


# Where two pieces of one text node are drawn: the x of the first occurrence of each, by Range.
_X_OF = """
([needle, first, second]) => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.textContent.indexOf(needle);
    if (at < 0) continue;
    const x = (piece) => {
      const start = at + needle.indexOf(piece);
      const range = document.createRange();
      range.setStart(node, start);
      range.setEnd(node, start + piece.length);
      const box = range.getBoundingClientRect();
      return [box.left, box.top];
    };
    return [x(first), x(second)];
  }
  return null;
}
"""


def test_arabic_emails_show_the_phone_number_and_street_number_left_to_right(browser):
    """In real Chromium, an Arabic email draws "+44" left of "0958" and "14" left of "Willow" (isolated left to
    right); the same HTML without the isolation draws them the other way round, so the measure can fail."""
    import email
    from email import policy

    mailing = Mailing(open_project(REPO), Store.open("sqlite://"), SECRET.encode(), NOW.date())
    raw = mailing.preview_email("riverside", "ar", "acne-education", "welcome", NOW)
    html = email.message_from_bytes(raw, policy=policy.default).get_body(("html",)).get_content()
    unisolated = html.replace('<bdi dir="ltr"', "<span").replace("</bdi>", "</span>")
    page = browser.new_page()
    found = {}
    for name, markup in (("isolated", html), ("unisolated", unisolated)):
        page.set_viewport_size({"width": 600, "height": 800})
        page.set_content(markup, wait_until="load")
        assert page.evaluate("document.documentElement.dir") == "rtl"
        found[name] = (
            page.evaluate(_X_OF, ["+44 20 7946 0958", "+44", "0958"]),
            page.evaluate(_X_OF, ["14 Willow Lane", "14", "Willow"]),
        )
    page.close()
    mailing.store.close()
    for phone, address in found.values():
        assert phone[0][1] == phone[1][1], found  # one line: a phone number does not wrap
        assert address[0][1] == address[1][1], found
    (plus44, last4), (house, street) = found["isolated"]
    assert plus44[0] < last4[0], found
    assert house[0] < street[0], found
    (plus44, last4), (house, street) = found["unisolated"]
    assert plus44[0] > last4[0], found  # shown as "0958 7946 20 44+" without isolation
    assert house[0] > street[0], found  # and "Willow Lane 14"
