"""The public leaflet pages in a real browser: Debian's headless Chromium, driven by Playwright, against the real
`serve` process running from a release of the shipped project.

axe-core (bundled by axe-playwright-python, injected into the page: nothing is fetched) checks each page in
English, Arabic and Chinese at a phone's width and a desktop's, and must find no serious or critical violation;
the page must not scroll sideways; in Arabic the phone number, the website and the house number keep their
left-to-right order, measured on the rendered text."""

from __future__ import annotations

import pytest

from .conftest import CHROMIUM, start_server

SECRET = "p" * 40
WIDTHS = {"phone": (360, 740), "desktop": (1280, 900)}
PAGES = [("riverside", "en_GB"), ("harbor", "en"), ("riverside", "ar"), ("harbor", "zh_Hans")]
TOPIC = "marks-vs-scars"  # every kind of block: paragraph, list, callout, table and figure
pytestmark = [
    pytest.mark.slow,  # a real Chromium and a real `serve` process
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (make test installs it)"),
]

# The x coordinate of the first rendered box of `needle` inside the element matched by `selector`.
X_OF = """([selector, needle]) => {
  const root = document.querySelector(selector);
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(needle);
    if (at >= 0) {
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + needle.length);
      return range.getBoundingClientRect().x;
    }
  }
  return null;
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory, shipped_releases):
    work = tmp_path_factory.mktemp("leaflet-pages")
    process, base = start_server(f"sqlite:///{work / 'web.db'}", SECRET, releases=shipped_releases)
    yield base
    process.terminate()
    process.communicate(timeout=30)


def _serious(violations: list[dict]) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
        if v.get("impact") in ("serious", "critical")
    ]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("brand", "locale"), PAGES)
def test_axe_finds_no_serious_violation_and_nothing_scrolls_sideways(server, browser, brand, locale, width):
    from axe_playwright_python.sync_playwright import Axe

    columns, rows = WIDTHS[width]
    page = browser.new_page(viewport={"width": columns, "height": rows})
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    response = page.goto(f"{server}/leaflets/{brand}/{locale}/{TOPIC}")
    assert response is not None
    assert response.status == 200
    assert page.locator("html").get_attribute("dir") == ("rtl" if locale == "ar" else "ltr")
    for image in page.locator("main img").all():  # the figures load, from the release, under the CSP
        assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    assert not errors  # no CSP report, no failed resource
    results = Axe().run(page)
    assert _serious(results.response["violations"]) == []
    assert results.response["passes"]  # axe really ran its rules on the page
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"the page scrolls sideways at {columns} px: {widths}"
    page.close()


@pytest.mark.parametrize("path", ["riverside/ar/", "harbor/zh_Hans/", "riverside/ar/complete-guide"])
def test_axe_finds_no_serious_violation_on_the_list_and_the_complete_guide(server, browser, path):
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page(viewport={"width": 360, "height": 740})
    response = page.goto(f"{server}/leaflets/{path}")
    assert response is not None
    assert response.status == 200
    assert _serious(Axe().run(page).response["violations"]) == []
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1]
    page.close()


def test_axe_sees_a_violation_when_there_is_one(server, browser):
    """The check above can fail: the same page with its language removed and a contrast too low for AA."""
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page()
    page.goto(f"{server}/leaflets/riverside/en_GB/{TOPIC}")
    page.evaluate(
        """() => {
          document.documentElement.removeAttribute('lang');
          document.querySelector('h1').style.color = '#eeeeee';
        }"""
    )
    found = {line.split(" ")[0] for line in _serious(Axe().run(page).response["violations"])}
    assert {"html-has-lang", "color-contrast"} <= found
    page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_arabic_page_keeps_the_phone_website_and_house_number_left_to_right(server, browser, width):
    columns, rows = WIDTHS[width]
    page = browser.new_page(viewport={"width": columns, "height": rows})
    page.goto(f"{server}/leaflets/riverside/ar/{TOPIC}")
    x = {
        needle: page.evaluate(X_OF, [selector, needle])
        for selector, needle in [
            (".contact__phone", "+44"),
            (".contact__phone", "0958"),
            (".contact__website", "https"),
            (".contact__website", "example"),
            (".contact__address", "14"),
            (".contact__address", "Willow"),
        ]
    }
    assert None not in x.values(), x
    assert x["+44"] < x["0958"]
    assert x["https"] < x["example"]
    assert x["14"] < x["Willow"]
    assert page.locator(".contact__phone").get_attribute("href") == "tel:+442079460958"
    page.close()


def test_the_skip_link_appears_on_focus_and_the_language_switcher_links_every_language(server, browser):
    page = browser.new_page(viewport={"width": 360, "height": 740})
    page.goto(f"{server}/leaflets/harbor/zh_Hans/{TOPIC}")
    skip = page.locator("a.skip")
    assert skip.bounding_box()["y"] < 0  # out of sight until focused
    page.keyboard.press("Tab")
    assert skip.evaluate("a => a === document.activeElement")
    assert skip.bounding_box()["y"] >= 0
    outline = skip.evaluate("a => getComputedStyle(a).outlineStyle")
    assert outline != "none"  # a visible focus indicator
    links = page.locator("nav.languages a")
    tags = [links.nth(i).get_attribute("hreflang") for i in range(links.count())]
    assert tags == ["en", "es", "pt-BR", "zh-Hans", "vi"]
    assert [links.nth(i).get_attribute("lang") for i in range(links.count())] == tags
    page.locator("nav.languages a[hreflang=es]").click()
    page.wait_for_url(f"**/leaflets/harbor/es/{TOPIC}")
    assert page.locator("html").get_attribute("lang") == "es"
    pdf = page.locator("aside a[type='application/pdf']")
    assert pdf.is_visible()
    assert pdf.get_attribute("href") == f"{TOPIC}.pdf"
    page.close()
