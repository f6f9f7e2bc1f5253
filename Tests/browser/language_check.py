#!/usr/bin/env python3
"""Drives Debian's headless Chromium through the dashboard in Simplified Chinese, as a governance centre reads it.

    language_check.py BASE_URL TOKEN SCREENSHOT_DIR --camera ID

Runs Chromium with --lang=zh-CN and zh-CN as its preferred language (nothing chosen with the page's switch), shows the
sign-in page, signs in with TOKEN, and opens the overview (until camera rows show), the camera page of --camera (until
its timeline and plots show), the availability page (until its rows show) and the GB/T 28181 devices page. On each it
checks that the page is Chinese (<html lang="zh-CN">, the zh-CN words of a few known messages) and that no English is
left in its text (document.body.innerText, with the labels screen readers and tooltips show: aria-label, title, alt,
placeholder, SVG titles):

- no phrase of the English catalogue, read from the served i18n.js as the page loaded it (window.skygateMessages).
  Each English message is split at its {parameters}; phrases the zh-CN catalogue uses too ("fps", "GOP", "Skygate")
  do not count, nor messages the same in both languages;
- no other Latin word either (a string the page shows without the catalogue), except words of the zh-CN catalogue.

Data is no UI: names and IDs of cameras, grids, key locations and devices, stream URLs and the like, fetched from the
API, are taken out of the text first, and so are commands to type (<code>). Dates must show in the Chinese format
(2025/6/1 14:05:09). Then it switches the language to English with the header's switch and checks that English
headings appear and no Chinese is left. Screenshots 09-zh-sign-in.png, 10-zh-overview.png, 11-zh-camera.png,
12-zh-availability.png, 13-zh-devices.png and 14-en-devices.png go to SCREENSHOT_DIR. Prints one JSON line with what it
saw; exits 1 with the reason when an expectation fails.
"""
import argparse
import json
import re
import sys
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import Select, WebDriverWait

import chromium

PLACEHOLDER = re.compile(r"\{\w+\}")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# CJK ideographs and the full-width punctuation of Chinese text.
CHINESE = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
# A date and time as toLocaleString("zh-CN") writes it.
CHINESE_DATE = re.compile(r"\b\d{4}/\d{1,2}/\d{1,2} \d{1,2}:\d{2}:\d{2}\b")

# The text a page shows: what is rendered, and the labels read out or shown on hovering.
PAGE_TEXT = """
// Of the sections shown: a hidden one is drawn again when it is shown.
const shown = (node) => !node.closest('[hidden]');
const labels = [];
for (const node of [...document.querySelectorAll('[aria-label], [title], [alt], [placeholder]')].filter(shown)) {
  for (const name of ['aria-label', 'title', 'alt', 'placeholder']) if (node.getAttribute(name)) labels.push(node.getAttribute(name));
}
for (const title of [...document.querySelectorAll('svg title')].filter(shown)) labels.push(title.textContent);
const commands = [...document.querySelectorAll('code')].map((code) => code.textContent);
return [document.documentElement.lang, document.body.innerText, labels.join('\\n'), commands];
"""

# What the page shows as it is: the names and IDs of the gateway's cameras, grids, places and devices, its URLs.
DATA = """
const done = arguments[arguments.length - 1];
Promise.all([getJSON('/api/whoami'), getJSON('/api/cameras'), getJSON('/api/map/grids'), getJSON('/api/map/locations'),
             getJSON('/api/status'), getJSON('/api/gb/devices').catch(() => [])])
  .then(([me, cameras, grids, locations, status, devices]) => {
    const data = [me.id, me.name];
    for (const camera of cameras) {
      data.push(camera.id, camera.name, camera.mainUrl, ...camera.gridPath.flatMap((grid) => [grid.id, grid.name]),
                ...camera.keyLocations.map((place) => place.name));
    }
    for (const feature of [...grids.features, ...locations.features]) data.push(feature.id, feature.properties.name);
    for (const camera of status.cameras) if (camera.transport) data.push(camera.transport.toUpperCase());
    for (const device of devices) {
      data.push(device.id, device.name, ...Object.values(device.info || {}));
      if (device.registration) data.push(device.registration.address, device.registration.version);
    }
    done(data.filter((value) => typeof value === 'string' && value.length >= 2));
  }, (error) => done({ error: String(error) }));
"""


def phrase_pattern(phrase):
    """A phrase as a whole: not inside a longer word, any whitespace between its words, any case."""
    body = r"\s+".join(re.escape(word) for word in phrase.split())
    before = r"(?<![A-Za-z])" if phrase[0].isalpha() else ""
    after = r"(?![A-Za-z])" if phrase[-1].isalpha() else ""
    return re.compile(before + body + after, re.IGNORECASE)


def english_phrases(catalogue):
    """The English catalogue's phrases that must not show on a Chinese page, each with the keys of its messages."""
    english, chinese = catalogue["en"], catalogue["zh-CN"]
    chinese_text = "\n".join(PLACEHOLDER.sub("\n", value) for value in chinese.values())
    phrases = {}
    for key, value in english.items():
        if chinese.get(key) == value:
            continue
        for fragment in PLACEHOLDER.split(value):
            fragment = fragment.strip(" ,.;:·()…")
            if not LATIN_WORD.search(fragment) or phrase_pattern(fragment).search(chinese_text):
                continue
            phrases.setdefault(fragment, []).append(key)
    return phrases


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("token")
    parser.add_argument("screenshots")
    parser.add_argument("--camera", required=True)
    arguments = parser.parse_args()

    browser = chromium.start(language="zh-CN", accept_languages="zh-CN,zh")
    seen = {"pages": {}}

    def shot(name):
        browser.save_screenshot(f"{arguments.screenshots}/{name}.png")

    def fail(reason):
        shot("language-failure")
        print(json.dumps({"ok": False, "reason": reason, **seen}, ensure_ascii=False))
        browser.quit()
        sys.exit(1)

    def wait(condition, what, seconds=30):
        try:
            return WebDriverWait(browser, seconds, poll_frequency=0.5).until(condition)
        except Exception:
            fail(f"{what} within {seconds} s")

    def page_text(signed_in=True):
        """The page's lang, and its text with the data taken out (longest first: a name may contain a shorter one).
        The data is read for each page: a device that registers again comes from another address."""
        lang, text, labels, commands = browser.execute_script(PAGE_TEXT)
        data = browser.execute_async_script(DATA) if signed_in else []
        if isinstance(data, dict):
            fail(f"the API's data could not be read: {data['error']}")
        text = text + "\n" + labels
        # The switch names each language in itself, whatever the page's language.
        for value in sorted(data + commands + seen["language_names"], key=len, reverse=True):
            text = text.replace(value, "\n")
        return lang, text

    def context(text, match):
        return " ".join(text[max(0, match.start() - 40):match.end() + 40].split())

    def check_chinese(page, catalogue, phrases, expected_keys, signed_in=True):
        lang, text = page_text(signed_in)
        if lang != "zh-CN":
            fail(f"{page}: <html lang> is {lang!r}, not zh-CN")
        chinese = catalogue["zh-CN"]
        absent = [key for key in expected_keys if chinese[key] not in text]
        if absent:
            fail(f"{page}: the Chinese of {absent} ({[chinese[key] for key in absent]}) is not shown")
        for phrase, keys in phrases.items():
            match = phrase_pattern(phrase).search(text)
            if match:
                fail(f"{page}: English left: {phrase!r} (of {', '.join(keys)}) in '…{context(text, match)}…'")
        allowed = {word.lower() for value in chinese.values() for word in LATIN_WORD.findall(PLACEHOLDER.sub(" ", value))}
        for match in LATIN_WORD.finditer(text):
            if match.group().lower() not in allowed:
                fail(f"{page}: a Latin word no Chinese message has: {match.group()!r} in '…{context(text, match)}…'")
        seen["pages"][page] = {"chinese_characters": len(CHINESE.findall(text)), "latin_words": len(LATIN_WORD.findall(text))}

    try:
        browser.get(arguments.base)
        wait(ready.visibility_of_element_located((By.ID, "sign-in")), "the sign-in page did not show")
        catalogue, language_names, missing = browser.execute_script(
            "return [window.skygateMessages, window.skygateLanguageNames, window.skygateMissingMessages];")
        if not catalogue or set(catalogue) != {"en", "zh-CN"}:
            fail(f"the page has no catalogue of en and zh-CN (window.skygateMessages: {catalogue and list(catalogue)})")
        if missing:
            fail(f"the catalogues do not agree: {missing}")
        seen.update(language_names=list(language_names.values()), messages=len(catalogue["en"]),
                    navigator_languages=browser.execute_script("return navigator.languages"))
        phrases = english_phrases(catalogue)
        seen.update(english_phrases=len(phrases),
                    same_in_both=sorted(key for key, value in catalogue["en"].items() if catalogue["zh-CN"][key] == value))
        check_chinese("sign-in", catalogue, phrases, ["signIn.heading", "signIn.helpBefore"], signed_in=False)
        shot("09-zh-sign-in")

        browser.find_element(By.ID, "token").send_keys(arguments.token)
        browser.find_element(By.CSS_SELECTOR, "#sign-in-form button").click()
        wait(ready.visibility_of_element_located((By.ID, "overview")), "the overview did not show after signing in")
        wait(lambda d: d.execute_script("""
            return document.querySelectorAll('#cameras tbody tr .state').length > 0
                && document.querySelectorAll('#map circle.camera').length > 0
                && document.getElementById('service-state').textContent
                && document.getElementById('feed-state').textContent;"""), "the overview did not show its cameras and live feed")
        time.sleep(2)  # the feed's recent events, the map's colours
        check_chinese("overview", catalogue, phrases,
                      ["nav.overview", "overview.map", "overview.liveEvents", "column.lastKeyframe", "state.streaming", "feed.live"])
        shot("10-zh-overview")

        browser.get(f"{arguments.base}#/camera/{arguments.camera}")
        wait(lambda d: d.execute_script("""
            const plotted = (id) => document.querySelector(`#${id} polyline, #${id} text`);
            return document.querySelectorAll('#timeline rect').length > 0 && plotted('brightness') && plotted('sharpness')
                && document.querySelectorAll('#camera-facts dt').length > 0;"""), f"the page of camera {arguments.camera} did not show its timeline and plots")
        try:  # operators see the latest snapshot, and a note under it
            WebDriverWait(browser, 20).until(lambda d: d.find_element(By.ID, "camera-snapshot-note").text)
        except Exception:
            pass
        check_chinese("camera", catalogue, phrases,
                      ["camera.brightness", "camera.sharpness", "camera.keyframes", "camera.timeline", "camera.events"])
        seen["pages"]["camera"]["keyframe_ticks"] = len(browser.find_elements(By.CSS_SELECTOR, "#timeline .tick"))
        facts = browser.find_element(By.ID, "camera-facts").text
        if not CHINESE_DATE.search(facts):
            fail(f"camera: no date in the Chinese format among the camera's facts: {' '.join(facts.split())!r}")
        shot("11-zh-camera")

        browser.get(f"{arguments.base}#/availability")
        wait(lambda d: d.find_elements(By.CSS_SELECTOR, "#availability-table tbody tr td.number"), "the availability page did not show its rows")
        check_chinese("availability", catalogue, phrases, ["availability.heading", "column.online", "column.faultFree"])
        seen["pages"]["availability"]["rows"] = len(browser.find_elements(By.CSS_SELECTOR, "#availability-table tbody tr"))
        shot("12-zh-availability")

        browser.get(f"{arguments.base}#/wall")
        wait(lambda d: d.find_elements(By.CSS_SELECTOR, "#wall-tiles figure.tile") and d.find_element(By.ID, "wall-state").text,
             "the keyframe wall did not show its tiles")
        time.sleep(1)
        check_chinese("wall", catalogue, phrases, ["wall.heading", "wall.allCameras", "wall.hint"])
        shot("12b-zh-wall")

        browser.get(f"{arguments.base}#/patrol")
        wait(lambda d: d.find_element(By.ID, "patrol-state").text and d.find_element(By.ID, "patrol-round").text
             and d.find_elements(By.CSS_SELECTOR, "#patrol-rounds tbody tr"), "the patrol page did not show")
        check_chinese("patrol", catalogue, phrases, ["patrol.heading", "patrol.rounds", "column.lastVisit"])
        shot("12c-zh-patrol")

        browser.get(f"{arguments.base}#/devices")
        wait(lambda d: d.find_element(By.ID, "devices-state").text, "the devices page did not show")
        time.sleep(1)
        check_chinese("devices", catalogue, phrases, ["devices.heading", "column.lastKeepalive"])
        shot("13-zh-devices")

        # The switch: English at once, the page's rows redrawn in it, and no Chinese left but the data's.
        Select(browser.find_element(By.ID, "language")).select_by_value("en")
        english = catalogue["en"]
        wait(lambda d: d.execute_script("return document.documentElement.lang") == "en"
             and english["devices.heading"] in d.find_element(By.CSS_SELECTOR, "#devices h2").text
             and english["nav.overview"] in d.find_element(By.ID, "nav").text, "no English heading after switching to English", 10)
        # The rows come again from the API: give them the time of a refresh.
        deadline = time.time() + 15
        while True:
            lang, text = page_text()
            match = CHINESE.search(text)
            if not match:
                break
            if time.time() > deadline:
                fail(f"devices: Chinese left after switching to English in '…{context(text, match)}…'")
            time.sleep(0.5)
        seen.update(switched_to=lang, stored_choice=browser.execute_script("return localStorage.getItem('skygate-language')"))
        shot("14-en-devices")
        print(json.dumps({"ok": True, **seen}, ensure_ascii=False))
    finally:
        browser.quit()


if __name__ == "__main__":
    main()
