"""The HTML report as a person sees it: headless Chromium renders every section; a screenshot is
saved to test-artifacts/report.png for a look."""
import shutil
import tempfile

import pytest
from test_binding import FILES, made  # noqa: F401  (a real control run on three sample files)

from cases import EXCEPTIONS, SECTIONS
from evidence.outputs import assessment
from evidence.outputs.html import html
from evidence.store.store import Store
from pipeline import ARTIFACTS, need, populate, sqlite_url, which

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture
def browser():
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        need(False, "selenium (pip install -e '.[test]')")
    need(which("chromium", "chromedriver"), "Debian's chromium and chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in FLAGS:
        options.add_argument(flag)
    profile = tempfile.TemporaryDirectory(prefix="proofgate-chromium-")
    options.add_argument(f"--user-data-dir={profile.name}")
    options.add_argument("--window-size=1280,900")
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    yield driver
    driver.quit()
    profile.cleanup()


def test_the_report_renders_every_section(browser, tmp_path):
    from selenium.webdriver.common.by import By
    db = sqlite_url(tmp_path)
    populate(db)
    page = tmp_path / "report.html"
    page.write_text(html(assessment.load(Store(db), "after", EXCEPTIONS)))
    browser.get(page.as_uri())
    headings = [h.text for h in browser.find_elements(By.TAG_NAME, "h2")]
    assert headings == SECTIONS
    body = browser.find_element(By.TAG_NAME, "body").text
    for shown in ("NOT CHECKABLE", "No bucket is public", "NIST 800-53", "alice@example.com", "EXPIRED",
                  "Subjects found: 4 = analysed 3 + excluded 1", "proofgate verify evidence-after.tar.gz"):
        assert shown in body, shown
    # a badge is readable: its text has colour on a coloured background, not colour alone
    badge = browser.find_element(By.CSS_SELECTOR, ".badge.PASS")
    assert badge.text == "PASS" and badge.value_of_css_property("color") != badge.value_of_css_property("background-color")
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1280, height + 40)
    ARTIFACTS.mkdir(exist_ok=True)
    assert browser.save_screenshot(str(ARTIFACTS / "report.png"))
    assert (ARTIFACTS / "report.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_report_shows_every_input_digest_and_each_result_s_source(browser, made, tmp_path):  # noqa: F811
    """A control run's report, as a reader sees it: the Inputs section lists every file read with its sha256."""
    import hashlib

    from selenium.webdriver.common.by import By
    page = tmp_path / "report.html"
    page.write_text(html(assessment.load(Store(made["db"]))))
    browser.get(page.as_uri())
    headings = [h.text for h in browser.find_elements(By.TAG_NAME, "h2")]
    assert "Inputs" in headings
    inputs = browser.find_element(By.ID, "inputs").text
    for name in FILES:
        path = made["inputs"] / name
        assert hashlib.sha256(path.read_bytes()).hexdigest() in inputs and str(path) in inputs
    body = browser.find_element(By.TAG_NAME, "body").text
    source = hashlib.sha256((made["inputs"] / "iam-admin.json").read_bytes()).hexdigest()
    assert f"file sha256 {source}" in body  # on each of iam-admin's results, beside its encoding's digest
