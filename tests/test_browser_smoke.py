import pytest
from selenium.webdriver.common.by import By

pytestmark = pytest.mark.browser


def test_home_page_renders_in_chromium(browser, live_url):
    browser.get(live_url + "/")
    assert "Samenwerkingsatlas Noord" in browser.find_element(By.TAG_NAME, "h1").text
