#!/usr/bin/env python3
"""Drives Debian's headless Chromium through the dashboard of a running gateway, as an operator would use it.

    dashboard_check.py BASE_URL TOKEN SCREENSHOT_DIR --cameras N [--event-within SECONDS] [--devices N]
                       [--secret TEXT ...]

Signs in with TOKEN, waits until the map shows N cameras and the list N rows, then waits for a fault event in the
live feed, opens that camera's page (plots, timeline), the availability page and the keyframe wall (a tile per enabled
camera, pictures for at least half), then (with --devices) the GB/T 28181
devices page: N devices online with their device information and channels, and "Ask again" answered. A screenshot of each step goes to
SCREENSHOT_DIR. Every page's HTML is checked for each --secret (camera passwords, tokens). Prints one JSON line
with what it saw; exits 1 with the reason when an expectation fails.
"""
import argparse
import json
import sys
import time
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

import chromium

PICTURE_FAULTS = {"signal_loss", "corruption", "noise", "stripes", "too_dark", "too_bright", "low_contrast", "occlusion", "frozen", "blur", "colour_cast", "ir_cut", "camera_moved"}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("token")
    parser.add_argument("screenshots")
    parser.add_argument("--cameras", type=int, required=True)
    parser.add_argument("--event-within", type=float, default=150)
    parser.add_argument("--devices", type=int, default=0)
    parser.add_argument("--secret", action="append", default=[])
    arguments = parser.parse_args()

    browser = chromium.start()
    seen = {}
    pages = []

    def shot(name):
        browser.save_screenshot(f"{arguments.screenshots}/{name}.png")
        pages.append((name, browser.page_source))

    def fail(reason):
        shot("failure")
        print(json.dumps({"ok": False, "reason": reason, **seen}))
        browser.quit()
        sys.exit(1)

    try:
        chromium.open_sign_in(browser, arguments.base)
        shot("01-sign-in")
        chromium.sign_in(browser, arguments.token)

        def cameras_shown(driver):
            dots = driver.find_elements(By.CSS_SELECTOR, "#map circle.camera")
            rows = driver.find_elements(By.CSS_SELECTOR, "#cameras tbody tr")
            streaming = [d for d in dots if d.get_attribute("data-state") == "streaming"]
            return (len(dots), len(rows), len(streaming)) if len(dots) >= arguments.cameras and len(rows) >= arguments.cameras and streaming else False

        try:
            dots, rows, streaming = WebDriverWait(browser, 60, poll_frequency=1).until(cameras_shown)
        except Exception:
            fail(f"the map and list did not show {arguments.cameras} cameras with some streaming")
        seen.update(map_cameras=dots, list_rows=rows, streaming_on_map=streaming,
                    grid_shapes=len(browser.find_elements(By.CSS_SELECTOR, "#map path.grid")),
                    key_locations=len(browser.find_elements(By.CSS_SELECTOR, "#map rect.location")))
        shot("02-overview")

        # Pictures on the overview only when asked for, and then only of the rows in view.
        time.sleep(3)
        seen.update(pictures_unasked=len(browser.find_elements(By.CSS_SELECTOR, "#cameras tbody img[src]")))
        browser.execute_script("document.getElementById('cameras').scrollIntoView()")
        browser.find_element(By.ID, "pictures").click()
        try:
            WebDriverWait(browser, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#cameras tbody img[src]"))
        except Exception:
            fail("no picture appeared on the overview after 'pictures' was switched on")
        time.sleep(3)
        seen.update(pictures_in_view=len(browser.find_elements(By.CSS_SELECTOR, "#cameras tbody img[src]")))
        shot("02b-overview-pictures")

        deadline = time.time() + arguments.event_within
        fault = None
        while time.time() < deadline and fault is None:
            for item in browser.find_elements(By.CSS_SELECTOR, "#feed li.open"):
                if item.get_attribute("data-kind") in PICTURE_FAULTS:
                    fault = (item.get_attribute("data-kind"), item.get_attribute("data-device"))
                    break
            time.sleep(1)
        if fault is None:
            fail(f"no picture fault appeared in the live feed within {arguments.event_within} s")
        seen.update(feed_kind=fault[0], feed_device=fault[1], feed_items=len(browser.find_elements(By.CSS_SELECTOR, "#feed li")))
        time.sleep(2)  # the map recolours within its 5 s refresh
        shot("03-event-in-feed")

        browser.get(f"{arguments.base}#/camera/{fault[1]}")
        WebDriverWait(browser, 30, poll_frequency=1).until(
            lambda d: d.find_elements(By.CSS_SELECTOR, "#brightness polyline") and d.find_elements(By.CSS_SELECTOR, "#timeline .tick"))
        seen.update(camera_page_keyframes=len(browser.find_elements(By.CSS_SELECTOR, "#timeline .tick")))
        try:
            WebDriverWait(browser, 20).until(lambda d: d.find_element(By.ID, "camera-snapshot").get_attribute("src"))
            seen.update(snapshot=True)
        except Exception:
            seen.update(snapshot=False)
        shot("04-camera-page")

        # Review (复核): the fault's event on the camera page marked a false alarm; the gateway keeps the verdict.
        button = f"#camera-events li[data-kind='{fault[0]}'] button.review[data-verdict='false']"
        try:
            WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, button))
            event_id = browser.find_element(By.CSS_SELECTOR, button).find_element(By.XPATH, "./..").get_attribute("data-id")
            browser.find_element(By.CSS_SELECTOR, button).click()
            WebDriverWait(browser, 10).until(
                lambda d: d.find_elements(By.CSS_SELECTOR, f"#camera-events li[data-id='{event_id}'] .verdict.false"))
        except Exception:
            fail("the camera page's event could not be marked a false alarm")
        request = urllib.request.Request(
            f"{arguments.base}api/events/{event_id}", headers={"Authorization": f"Bearer {arguments.token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            stored = json.load(response).get("review") or {}
        if stored.get("verdict") != "false":
            fail(f"the gateway did not keep the verdict: {stored}")
        seen.update(reviewed=stored.get("by"))
        shot("04b-reviewed")

        browser.get(f"{arguments.base}#/availability")
        WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#availability-table tbody tr td.number"))
        seen.update(availability_rows=len(browser.find_elements(By.CSS_SELECTOR, "#availability-table tbody tr")))
        shot("05-availability")

        # The keyframe wall of every camera: tiles from the analyser's thumbnails, no decode on the request path.
        started = time.time()
        browser.get(f"{arguments.base}#/wall")

        def tiles_shown(driver):
            shown = driver.execute_script("""
                const tiles = [...document.querySelectorAll('#wall-tiles figure.tile')];
                const pictures = tiles.filter((tile) => { const image = tile.querySelector('img');
                    return image.complete && image.naturalWidth > 0; });
                return [tiles.length, pictures.length];""")
            # A tile per enabled camera (at least every one streaming on the map), a picture for half of them.
            return shown if shown[0] >= seen["streaming_on_map"] and shown[1] >= arguments.cameras // 2 else False

        try:
            tiles, pictures_shown = WebDriverWait(browser, 30, poll_frequency=0.2).until(tiles_shown)
        except Exception:
            fail(f"the wall did not show {seen['streaming_on_map']} tiles with pictures for {arguments.cameras // 2}")
        seen.update(wall_tiles=tiles, wall_pictures=pictures_shown, wall_seconds=round(time.time() - started, 2),
                    wall_picture_width=browser.execute_script(
                        "return Math.max(...[...document.querySelectorAll('#wall-tiles img')].map((i) => i.naturalWidth))"))
        time.sleep(6)  # one refresh: tiles whose camera analysed a newer keyframe load it again, without a new audit row
        shot("05b-wall")

        if arguments.devices:
            browser.get(f"{arguments.base}#/devices")

            # Read in one script: the page re-renders its rows every 5 s, and a row found by one call may be gone by the next.
            def devices_shown(driver):
                ready_rows = driver.execute_script("""
                    return [...document.querySelectorAll('#devices-table tbody tr[data-device]')].filter((row) =>
                        row.textContent.includes('online') && row.textContent.includes('SIPp')
                        && row.querySelector('td.channels a')
                        && /^[+-][0-9]/.test(row.querySelector('td.clock').textContent)).length;""")
                return ready_rows if ready_rows >= arguments.devices else False

            try:
                seen.update(devices_online=WebDriverWait(browser, 60, poll_frequency=1).until(devices_shown))
            except Exception:
                fail(f"the devices page did not show {arguments.devices} devices online with their information, clock and channels")
            browser.execute_script("document.querySelector('#devices-table tbody tr[data-device] button.refresh').click()")
            try:
                WebDriverWait(browser, 10).until(lambda d: d.execute_script(
                    "return document.querySelector('#devices-table tbody tr[data-device] button.refresh').textContent")
                    .startswith("asked"))
            except Exception:
                fail("'Ask again' was not answered")
            seen.update(device_asked=True)
            shot("06-devices")

        for name, html in pages:
            for secret in arguments.secret:
                if secret and secret in html:
                    fail(f"page {name} contains a secret")
        print(json.dumps({"ok": True, **seen}))
    finally:
        browser.quit()


if __name__ == "__main__":
    main()
