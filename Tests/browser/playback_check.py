#!/usr/bin/env python3
"""Drives Debian's headless Chromium through playback on a recording gateway's camera page, as an operator would.

    playback_check.py BASE_URL TOKEN CAMERA SCREENSHOT_DIR [--back SECONDS] [--gop SECONDS] [--across] [--live]
                      [--live-latency SECONDS]

Signs in with TOKEN, opens CAMERA's page, clicks the keyframe timeline at the moment --back seconds (default 120)
before the newest recorded keyframe, and checks that the video plays (currentTime advances), that the wall time shown
when it starts is within one GOP (--gop, default 2 s) of the moment clicked, and that the picture is not blank (the
variance of a frame drawn onto a canvas). With --across it then plays across a segment boundary and across the newest
recorded gap (clicked 3 s before each; the wall time shown must pass it while currentTime advances), and checks that
the playlist played over the gap carries EXT-X-DISCONTINUITY (read with the m3u8 parser from PyPI). With --live it
then switches to live and measures the latency (the newest recorded keyframe's time minus the wall time shown; issue
15's goal is at most two GOPs and a second, --live-latency sets the bound). Screenshots go to SCREENSHOT_DIR. Prints
one JSON line with what it saw; exits 1 with the reason when an expectation fails.
"""
import argparse
import json
import sys
import time
import urllib.request
from datetime import datetime, timezone

import m3u8

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

import chromium

# The spread of a picture's luma (the video's frame, or the keyframe view's image, by element ID), drawn small onto a
# canvas: a blank (black or uniform) picture has almost none.
SPREAD = """
const element = document.getElementById(arguments[0]);
if (!(element.videoWidth || element.naturalWidth)) return -1;
const canvas = document.createElement('canvas');
canvas.width = 160; canvas.height = 90;
const context = canvas.getContext('2d');
context.drawImage(element, 0, 0, 160, 90);
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


def get_json(browser, path):
    """An API answer, fetched by the signed-in page (its bearer token never leaves the page)."""
    return browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "getJSON(arguments[0]).then(done, (e) => done({error: String(e)}));", path)


def iso(seconds):
    return datetime.fromtimestamp(seconds, timezone.utc).isoformat().replace("+00:00", "Z")


def stamp(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def segment_boundary(browser, camera, newest, gop):
    """The wall time of the newest keyframe that opened a segment and follows the one before it within two GOPs (a
    boundary of the recording, not a gap), at least 15 s before the newest keyframe; None if there is none."""
    answer = get_json(browser, f"/api/cameras/{camera}/keyframes?from={iso(newest - 900)}&to={iso(newest - 15)}&limit=2000")
    keyframes = answer.get("keyframes", []) if isinstance(answer, dict) else []
    boundaries = [stamp(after["wallClock"]) for before, after in zip(keyframes, keyframes[1:])
                  if after["segment"] != before["segment"]
                  and stamp(after["wallClock"]) - stamp(before["wallClock"]) <= 2 * gop + 0.5]
    return boundaries[-1] if boundaries else None


def newest_gap(browser, camera, newest):
    """The newest gap in the camera's coverage with at least 15 s recorded after it: (from, to, reason), or None."""
    spans = get_json(browser, f"/api/cameras/{camera}/coverage?from={iso(newest - 3000)}&to={iso(newest)}")
    if not isinstance(spans, list):
        return None
    gaps = [(stamp(span["from"]), stamp(span["to"]), span.get("reason")) for span in spans
            if span["kind"] == "gap" and stamp(span["to"]) <= newest - 15 and span.get("reason") != "not recorded"]
    return gaps[-1] if gaps else None


def newest_keyframe(browser, camera):
    """The wall time (seconds) of the newest keyframe the gateway recorded of the camera, from its status."""
    status = get_json(browser, f"/api/cameras/{camera}/status")
    if not isinstance(status, dict) or not status.get("lastKeyframe"):
        raise SystemExit(json.dumps({"ok": False, "reason": f"no status for the camera: {status}"}))
    return stamp(status["lastKeyframe"])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("token")
    parser.add_argument("camera")
    parser.add_argument("screenshots")
    parser.add_argument("--back", type=float, default=120)
    parser.add_argument("--gop", type=float, default=2)
    parser.add_argument("--across", action="store_true", help="then play across a segment boundary and a recorded gap")
    parser.add_argument("--keyframes", action="store_true",
                        help="the camera's codec cannot play in Chromium (HEVC): expect the keyframe view instead")
    parser.add_argument("--live", action="store_true", help="then switch to live and measure its latency")
    parser.add_argument("--live-latency", type=float, default=None,
                        help="the most latency accepted (default: two GOPs and a second, issue 15's goal)")
    arguments = parser.parse_args()

    browser = chromium.start(flags=["--autoplay-policy=no-user-gesture-required"])
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
            # The page falls back to the keyframe view when the video fails: for this check, a failure.
            if error and browser.execute_script("return !document.getElementById('player-picture').hidden"):
                fail(f"{label}: the video failed: {error} ({state})")
            if wall and first is None and current > 0:
                first = (current, wall)
            if first and current >= first[0] + 1 and not paused:
                return first, current
            time.sleep(0.25)
        fail(f"{label}: the video did not play within {seconds} s: {browser.execute_script(PLAYING)}")

    try:
        chromium.open_sign_in(browser, arguments.base)
        chromium.sign_in(browser, arguments.token)
        browser.get(f"{arguments.base}#/camera/{arguments.camera}")
        WebDriverWait(browser, 30, poll_frequency=0.5).until(
            lambda d: d.execute_script("return state.timeline && state.timeline.camera") == arguments.camera
            and d.find_elements(By.CSS_SELECTOR, "#timeline rect.recorded"))

        newest = newest_keyframe(browser, arguments.camera)

        def click_at(moment, label):
            """Clicks the keyframe timeline where `moment` (wall seconds) is."""
            timeline = browser.find_element(By.ID, "timeline")
            fraction = browser.execute_script(
                "const t = state.timeline; return (arguments[0] * 1000 - t.from) / (t.to - t.from);", moment)
            if not 0 <= fraction <= 1:
                fail(f"{label}: the moment is not on the timeline (at {fraction:.2f} of it)")
            width = timeline.size["width"]
            ActionChains(browser).move_to_element_with_offset(timeline, int(fraction * width - width / 2), 0).click().perform()

        def wall_shown():
            text = browser.execute_script("return document.getElementById('player-time').dataset.wall")
            return stamp(text) if text else None

        def play_through(label, moment, past, seconds=25):
            """Clicks 3 s before `moment`, then waits until the wall time shown passes `past` while currentTime
            advances: playback went on across whatever is at `moment`. Returns the media seconds from the first
            time shown within a second of `moment` to `past` (the click lands within a pixel of an hour's timeline,
            a few seconds, so the time from the start says little)."""
            click_at(moment - 3, label)
            wait_playing(label)
            deadline = time.time() + seconds
            near = None
            while time.time() < deadline:
                current = browser.execute_script(PLAYING)[0]
                shown = wall_shown()
                if shown is not None and near is None and shown >= moment - 1:
                    near = current
                if shown is not None and shown >= past:
                    return current - (near if near is not None else current)
                time.sleep(0.1)
            fail(f"{label}: the wall time shown reached {iso(wall_shown() or 0)}, not {iso(past)}, in {seconds} s: "
                 f"{browser.execute_script(PLAYING)}")

        def check_keyframe_view(asked):
            """A camera the browser cannot play: after the click the page shows its keyframes as pictures, the first
            within a GOP of the moment clicked, the wall time moving on one GOP at a time."""
            click_at(asked, "keyframes")
            deadline = time.time() + 30
            first = None
            while time.time() < deadline and first is None:
                shown = browser.execute_script(
                    "const p = document.getElementById('player-picture'); return !p.hidden && p.naturalWidth > 0")
                first = wall_shown() if shown else None
                time.sleep(0.2)
            if first is None:
                fail(f"no keyframe picture within 30 s: {browser.execute_script(PLAYING)}")
            seen.update(keyframes_offset_s=round(first - asked, 2),
                        keyframes_state=browser.find_element(By.ID, "player-state").text,
                        video_error=browser.execute_script(PLAYING)[4])
            if abs(first - asked) > arguments.gop + 1:
                fail(f"the keyframe view started {first - asked:.2f} s from the moment clicked (more than a GOP)")
            time.sleep(5)
            advanced = (wall_shown() or 0) - first
            spread = browser.execute_script(SPREAD, "player-picture")
            seen.update(keyframes_advanced_s=round(advanced, 2), keyframes_picture_spread=round(spread, 1))
            shot("07-playback-keyframes")
            if advanced < 3:
                fail(f"the keyframe view stopped: its time moved {advanced:.2f} s in 5 s")
            if spread < 5:
                fail(f"the keyframe picture is blank (luma spread {spread:.1f})")

        # Click the timeline where the moment --back seconds before the newest recorded keyframe is. Times are the
        # recording's (the camera's timeline anchored to the gateway's clock): a starved simulator's clock runs slow,
        # so "now" on the wall would be past the end of what it has sent.
        asked = newest - arguments.back
        if arguments.keyframes:
            check_keyframe_view(asked)
            print(json.dumps({"ok": True, **seen}))
            return
        click_at(asked, "recorded")
        (start, wall), _ = wait_playing("recorded")
        shown = stamp(wall)
        offset = shown - start - asked  # the wall time at media time 0 against the moment clicked
        seen.update(recorded_offset_s=round(offset, 2), recorded_start_wall=wall)
        if abs(offset) > arguments.gop + 1:
            fail(f"playback started {offset:.2f} s from the moment clicked (more than a GOP)")
        time.sleep(2)
        spread = browser.execute_script(SPREAD, "player")
        seen.update(recorded_frame_spread=round(spread, 1))
        if spread < 5:
            fail(f"the recorded picture is blank (luma spread {spread:.1f})")
        shot("07-playback-recorded")

        if arguments.across:
            boundary = segment_boundary(browser, arguments.camera, newest, arguments.gop)
            if boundary is None:
                fail("no segment boundary recorded in the last 15 minutes to play across")
            played = play_through("segment boundary", boundary, boundary + 2)
            seen.update(segment_boundary=iso(boundary), segment_boundary_media_s=round(played, 2))
            shot("07b-playback-segment-boundary")
            gap = newest_gap(browser, arguments.camera, newest)
            if gap is None:
                fail("no recorded gap with recording after it to play across")
            played = play_through("gap", gap[0], gap[1] + 1)
            source = browser.execute_script("return document.getElementById('player').src")
            playlist = m3u8.loads(urllib.request.urlopen(source).read().decode())
            breaks = [index for index, segment in enumerate(playlist.segments) if segment.discontinuity]
            # Across a gap the media plays on without waiting the gap out: less media time than wall time passed.
            seen.update(gap=[iso(gap[0]), iso(gap[1]), gap[2]], gap_media_s=round(played, 2),
                        gap_playlist_discontinuities=len(breaks),
                        gap_playlist_head=[(round(segment.duration, 3), segment.discontinuity)
                                           for segment in playlist.segments[:12]])
            if not breaks:
                fail("the playlist played across the gap has no EXT-X-DISCONTINUITY")
            # From a second before the gap to a second after it: about 2 s of media if the gap is skipped.
            if played > (gap[1] - gap[0]) + 2 - 1:
                fail(f"playback waited the gap out ({played:.1f} s of media for {gap[1] - gap[0]:.1f} s of gap)")
            shot("07c-playback-across-gap")

        if not arguments.live:
            print(json.dumps({"ok": True, **seen}))
            return
        browser.find_element(By.ID, "play-live").click()
        wait_playing("live")
        time.sleep(3)
        # Latency behind the newest keyframe the gateway has recorded: what playback adds, whatever the source's clock.
        newest, shown = newest_keyframe(browser, arguments.camera), wall_shown()
        latency = newest - shown
        seen.update(live_latency_s=round(latency, 2), live_frame_spread=round(browser.execute_script(SPREAD, "player"), 1))
        shot("08-playback-live")
        bound = arguments.live_latency if arguments.live_latency is not None else 2 * arguments.gop + 1
        # Still playing 6 s on: the picture's wall time moved on about as far as the recording did (a live playlist
        # that stopped growing for the player, as one did when it fetched a growing file whole, freezes here). A
        # starved simulator sends less than real time, and a player at the live edge can only follow it.
        time.sleep(6)
        recorded = newest_keyframe(browser, arguments.camera) - newest
        advanced = (wall_shown() or 0) - shown
        seen.update(live_advanced_s=round(advanced, 2), live_recorded_s=round(recorded, 2))
        if recorded < 1:
            fail(f"the camera's recording moved {recorded:.2f} s in 6 s: nothing to play live")
        if advanced < recorded / 2:
            fail(f"live playback stopped: the picture's time moved {advanced:.2f} s while the recording moved {recorded:.2f} s")
        if latency > bound:
            fail(f"live latency {latency:.2f} s is more than {bound:.1f} s")
        print(json.dumps({"ok": True, **seen}))
    finally:
        browser.quit()


if __name__ == "__main__":
    main()
