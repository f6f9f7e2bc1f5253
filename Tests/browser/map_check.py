#!/usr/bin/env python3
"""Drives Debian's headless Chromium to the dashboard's overview map and checks how each named camera is coloured.

    map_check.py BASE_URL TOKEN SCREENSHOT_DIR --expect CAMERA=STATE:CLASS [--expect ...] [--within SECONDS]

Signs in with TOKEN, then waits until every CAMERA's dot on the map has the data-state STATE (a recorded camera's
health state, or a patrol camera's "visit-ok", "visit-unreachable", "visit-noKeyframe", "not-visited") and the colour
class CLASS ("streaming", "offline", "fault", "idle", ...), and its tooltip names the last visit of a patrol camera.
The page's own answer is checked against the API's: each patrol camera's state is read back from /api/patrol/latest
with the same token. Screenshot "map.png" in SCREENSHOT_DIR. Prints one JSON line with what it saw; exits 1 with the
reason when an expectation fails.
"""
import argparse
import json
import sys
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

import chromium


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("token")
    parser.add_argument("screenshots")
    parser.add_argument("--expect", action="append", default=[], help="CAMERA=STATE:CLASS")
    parser.add_argument("--within", type=float, default=60)
    arguments = parser.parse_args()
    expected = {}
    for item in arguments.expect:
        camera, _, shown = item.partition("=")
        state, _, klass = shown.partition(":")
        expected[camera] = (state, klass)

    browser = chromium.start()
    seen = {}

    def fail(reason):
        browser.save_screenshot(f"{arguments.screenshots}/map-failure.png")
        print(json.dumps({"ok": False, "reason": reason, **seen}))
        browser.quit()
        sys.exit(1)

    def dots(driver):
        shown = {}
        for dot in driver.find_elements(By.CSS_SELECTOR, "#map circle.camera"):
            classes = (dot.get_attribute("class") or "").split()
            title = dot.find_element(By.TAG_NAME, "title").get_attribute("textContent")
            shown[dot.get_attribute("data-camera")] = (dot.get_attribute("data-state"), classes, title)
        return shown

    def as_expected(driver):
        shown = dots(driver)
        seen["map"] = {camera: list(shown[camera][:2]) for camera in expected if camera in shown}
        matches = all(
            camera in shown and shown[camera][0] == state and klass in shown[camera][1]
            for camera, (state, klass) in expected.items())
        return shown if matches else False

    try:
        chromium.open_sign_in(browser, arguments.base)
        chromium.sign_in(browser, arguments.token)
        try:
            shown = WebDriverWait(browser, arguments.within, poll_frequency=1).until(as_expected)
        except Exception:
            fail(f"the map did not colour the cameras as expected: {expected}")
        browser.save_screenshot(f"{arguments.screenshots}/map.png")

        # The oracle for patrol cameras is the API: the page must show what /api/patrol/latest says.
        request = urllib.request.Request(
            arguments.base.rstrip("/") + "/api/patrol/latest", headers={"Authorization": f"Bearer {arguments.token}"})
        with urllib.request.urlopen(request, timeout=10) as answer:
            latest = {visit["camera"]: visit for visit in json.load(answer)}
        seen["api"] = {camera: visit["outcome"] for camera, visit in latest.items()}
        for camera, (state, _) in expected.items():
            if not state.startswith("visit-"):
                continue
            visit = latest.get(camera)
            if visit is None or f"visit-{visit['outcome']}" != state:
                fail(f"{camera}: the map shows {state}, the API {visit and visit['outcome']}")
            if "last visit" not in shown[camera][2]:
                fail(f"{camera}: the tooltip '{shown[camera][2]}' does not name the last visit")
        seen["ok"] = True
        print(json.dumps(seen))
    finally:
        browser.quit()


if __name__ == "__main__":
    main()
