"""Debian's headless Chromium under chromedriver, as every browser check starts it, and the dashboard's sign-in."""
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import WebDriverWait


def start(language="en", flags=(), accept_languages=None):
    """A headless Chromium 1400×1000 with its UI in `language`, and `flags` besides. Under chromedriver, headless
    Chromium takes navigator.languages (what the page goes by) from the accept_languages preference, not from --lang
    (which sets only its own UI and Accept-Language's default)."""
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000",
                 f"--lang={language}", *flags):
        options.add_argument(flag)
    if accept_languages:
        options.add_experimental_option("prefs", {"intl.accept_languages": accept_languages})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def open_sign_in(browser, base, timeout=20):
    """Opens the dashboard at `base` and waits for its sign-in form."""
    browser.get(base)
    WebDriverWait(browser, timeout).until(ready.visibility_of_element_located((By.ID, "sign-in")))


def sign_in(browser, token, timeout=20):
    """Signs in on the open sign-in form with `token` and waits for the overview."""
    browser.find_element(By.ID, "token").send_keys(token)
    browser.find_element(By.CSS_SELECTOR, "#sign-in-form button").click()
    WebDriverWait(browser, timeout).until(ready.visibility_of_element_located((By.ID, "overview")))
