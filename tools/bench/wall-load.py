#!/usr/bin/env python3
"""Times a keyframe wall in Debian's headless Chromium: wall-load.py BASE_URL TOKEN CAMERAS LOADS.

Signs in, then LOADS times opens the overview and then the wall of CAMERAS (comma-separated IDs), timing in the page
from the navigation to the wall until every tile's picture has loaded. Prints one JSON line: the times in ms."""
import json
import sys

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import WebDriverWait

TIMED = """
const [hash, count, done] = [arguments[0], arguments[1], arguments[arguments.length - 1]];
document.getElementById('wall-tiles').replaceChildren(); // as on a fresh page: no tiles of the last load
const started = performance.now();
location.hash = hash;
const poll = () => {
  const pictures = [...document.querySelectorAll('#wall-tiles img')];
  if (pictures.length >= count && pictures.every((picture) => picture.complete && picture.naturalWidth > 0)) {
    done(performance.now() - started);
  } else if (performance.now() - started > 20000) {
    done(-1);
  } else {
    setTimeout(poll, 5);
  }
};
poll();
"""


def main():
    base, token, cameras, loads = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000", "--lang=en"):
        options.add_argument(flag)
    browser = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    browser.set_script_timeout(30)
    try:
        browser.get(base)
        WebDriverWait(browser, 20).until(ready.visibility_of_element_located((By.ID, "sign-in")))
        browser.find_element(By.ID, "token").send_keys(token)
        browser.find_element(By.CSS_SELECTOR, "#sign-in-form button").click()
        WebDriverWait(browser, 20).until(ready.visibility_of_element_located((By.ID, "overview")))
        count = len(cameras.split(","))
        times = []
        for _ in range(loads):
            browser.execute_script("location.hash = '#/availability'")
            WebDriverWait(browser, 20).until(ready.visibility_of_element_located((By.ID, "availability")))
            elapsed = browser.execute_async_script(TIMED, f"#/wall/cameras/{cameras}", count)
            if elapsed < 0:
                raise SystemExit("the wall's pictures did not all load within 20 s")
            times.append(round(elapsed, 1))
        print(json.dumps(times))
    finally:
        browser.quit()


if __name__ == "__main__":
    main()
