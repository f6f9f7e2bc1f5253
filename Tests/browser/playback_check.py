#!/usr/bin/env python3
"""Drives Debian's headless Chromium through playback on a recording gateway's camera page, as an operator would.

    playback_check.py BASE_URL TOKEN CAMERA SCREENSHOT_DIR [--back SECONDS] [--gop SECONDS] [--live]

Signs in with TOKEN, opens CAMERA's page, clicks the keyframe timeline at the moment --back seconds (default 120)
before the newest recorded keyframe, and checks that the video plays (currentTime advances), that the wall time shown when it starts is within one
GOP (--gop, default 2 s) of the moment clicked, and that the picture is not blank (the variance of a frame drawn
onto a canvas). With --live it then switches to live and measures the latency (the newest recorded keyframe's time minus the
wall time shown; the goal is at most two GOPs and a second). Screenshots go to SCREENSHOT_DIR. Prints one JSON line with what it saw; exits 1 with
the reason when an expectation fails.
"""
import argparse
import json
import sys
import time
from datetime import datetime

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import WebDriverWait

# The spread of a frame's luma, drawn small onto a canvas: a blank (black or uniform) picture has almost none.
FRAME_SPREAD = """
const video = document.getElementById('player');
if (!video.videoWidth) return -1;
const canvas = document.createElement('canvas');
canvas.width = 160; canvas.height = 90;
const context = canvas.getContext('2d');
context.drawImage(video, 0, 0, 160, 90);
const pixels = context.getImageData(0, 0, 160, 90).data;
let sum = 0, squares = 0;
for (let i = 0; i < pixels.length; i += 4) {
  const luma = 0.299 * pixels[i] + 0.587 * pixels[i + 1] + 0.114 * pixels[i + 2];
  sum += luma; squares += luma * luma;
}
const count = pixels.length / 4;
return Math.sqrt(Math.max(0, squares / count - (sum / count) ** 2));
"""

PLAYING = """
const video = document.getElementById('player');
return [video.currentTime, video.paused, video.readyState, document.getElementById('player-time').dataset.wall || '',
        (video.error && video.error.message) || '', document.getElementById('player-state').textContent];
"""


def newest_keyframe(browser, camera):
    """The wall time (seconds) of the newest keyframe the gateway recorded of the camera, from its status."""
    text = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "getJSON(`/api/cameras/${arguments[0]}/status`).then((s) => done(s.lastKeyframe), (e) => done(''));", camera)
    if not text:
        raise SystemExit(json.dumps({"ok": False, "reason": "no status for the camera"}))
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("token")
    parser.add_argument("camera")
    parser.add_argument("screenshots")
    parser.add_argument("--back", type=float, default=120)
    parser.add_argument("--gop", type=float, default=2)
    parser.add_argument("--live", action="store_true", help="then switch to live and measure its latency")
    parser.add_argument("--live-latency", type=float, default=None,
                        help="the most latency accepted (default: two GOPs and a second, issue 15's goal)")
    arguments = parser.parse_args()

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000", "--lang=en",
                 "--autoplay-policy=no-user-gesture-required"):
        options.add_argument(flag)
    browser = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    seen = {}

    def shot(name):
        browser.save_screenshot(f"{arguments.screenshots}/{name}.png")

    def fail(reason):
        shot("playback-failure")
        print(json.dumps({"ok": False, "reason": reason, **seen}))
        browser.quit()
        sys.exit(1)

    def wait_playing(label, seconds=30):
        """Waits until currentTime has advanced by a second and a wall time is shown; returns (start wall, state)."""
        deadline = time.time() + seconds
        first = None
        while time.time() < deadline:
            current, paused, ready_state, wall, error, state = browser.execute_script(PLAYING)
            if error:
                fail(f"{label}: the video failed: {error} ({state})")
            if wall and first is None and current > 0:
                first = (current, wall)
            if first and current >= first[0] + 1 and not paused:
                return first, current
            time.sleep(0.25)
        fail(f"{label}: the video did not play within {seconds} s: {browser.execute_script(PLAYING)}")

    try:
        browser.get(arguments.base)
        WebDriverWait(browser, 20).until(ready.visibility_of_element_located((By.ID, "sign-in")))
        browser.find_element(By.ID, "token").send_keys(arguments.token)
        browser.find_element(By.CSS_SELECTOR, "#sign-in-form button").click()
        WebDriverWait(browser, 20).until(ready.visibility_of_element_located((By.ID, "overview")))
        browser.get(f"{arguments.base}#/camera/{arguments.camera}")
        WebDriverWait(browser, 30, poll_frequency=0.5).until(
            lambda d: d.execute_script("return state.timeline && state.timeline.camera") == arguments.camera
            and d.find_elements(By.CSS_SELECTOR, "#timeline rect.recorded"))

        # Click the timeline where the moment --back seconds before the newest recorded keyframe is. Times are the
        # recording's (the camera's timeline anchored to the gateway's clock): a starved simulator's clock runs slow,
        # so "now" on the wall would be past the end of what it has sent.
        timeline = browser.find_element(By.ID, "timeline")
        newest = newest_keyframe(browser, arguments.camera)
        asked = newest - arguments.back
        fraction = browser.execute_script(
            "const t = state.timeline; return (arguments[0] * 1000 - t.from) / (t.to - t.from);", asked)
        if not 0 <= fraction <= 1:
            fail(f"the moment {arguments.back} s back is not on the timeline (at {fraction:.2f} of it)")
        width = timeline.size["width"]
        ActionChains(browser).move_to_element_with_offset(timeline, int(fraction * width - width / 2), 0).click().perform()
        (start, wall), _ = wait_playing("recorded")
        shown = datetime.fromisoformat(wall.replace("Z", "+00:00")).timestamp()
        offset = shown - start - asked  # the wall time at media time 0 against the moment clicked
        seen.update(recorded_offset_s=round(offset, 2), recorded_start_wall=wall)
        if abs(offset) > arguments.gop + 1:
            fail(f"playback started {offset:.2f} s from the moment clicked (more than a GOP)")
        time.sleep(2)
        spread = browser.execute_script(FRAME_SPREAD)
        seen.update(recorded_frame_spread=round(spread, 1))
        if spread < 5:
            fail(f"the recorded picture is blank (luma spread {spread:.1f})")
        shot("07-playback-recorded")

        if not arguments.live:
            print(json.dumps({"ok": True, **seen}))
            return
        browser.find_element(By.ID, "play-live").click()
        wait_playing("live")
        time.sleep(3)
        wall = browser.execute_script("return document.getElementById('player-time').dataset.wall")
        # Latency behind the newest keyframe the gateway has recorded: what playback adds, whatever the source's clock.
        latency = newest_keyframe(browser, arguments.camera) - datetime.fromisoformat(wall.replace("Z", "+00:00")).timestamp()
        seen.update(live_latency_s=round(latency, 2), live_frame_spread=round(browser.execute_script(FRAME_SPREAD), 1))
        shot("08-playback-live")
        bound = arguments.live_latency if arguments.live_latency is not None else 2 * arguments.gop + 1
        # Still playing a few seconds on: the picture's wall time moved on (a live playlist that stopped growing for
        # the player, as one did when it fetched a growing file whole, freezes here).
        time.sleep(4)
        later = browser.execute_script("return document.getElementById('player-time').dataset.wall")
        advanced = datetime.fromisoformat(later.replace("Z", "+00:00")).timestamp() - datetime.fromisoformat(
            wall.replace("Z", "+00:00")).timestamp()
        seen.update(live_advanced_s=round(advanced, 2))
        if advanced < 2:
            fail(f"live playback stopped: the picture's time moved {advanced:.2f} s in 4 s")
        if latency > bound:
            fail(f"live latency {latency:.2f} s is more than {bound:.1f} s")
        print(json.dumps({"ok": True, **seen}))
    finally:
        browser.quit()


if __name__ == "__main__":
    main()
