#!/usr/bin/env python3
"""Renders the assessment report's HTML page in Debian's headless Chromium, keeps a screenshot and a PDF print of it,
and checks what it shows.

    report_check.py REPORT_HTML ARTEFACT_DIR [--indicator KEY=TEXT ...] [--grid ID=COLOUR ...] [--days N]

--indicator: the summary's figure for KEY ("online", "fault-free", "recording", ...) reads TEXT.
--grid: the map's area for grid ID is filled with COLOUR.
--days: the daily online chart has N bars.
Writes "report.png" (the whole page) and "report.pdf" (Chromium's print, A4 by the page's own @page rule) into
ARTEFACT_DIR. The PDF is read back with pypdf: every page must be A4 portrait, and its text must hold the report's
title and the grid names. Prints one JSON line with what it saw; exits 1 with the reason when a check fails.
"""
import argparse
import base64
import json
import pathlib
import sys

from pypdf import PdfReader
from selenium.webdriver.common.by import By

import chromium

A4 = (595.28, 841.89)  # points: 210 mm × 297 mm


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("report")
    parser.add_argument("artefacts")
    parser.add_argument("--indicator", action="append", default=[])
    parser.add_argument("--grid", action="append", default=[])
    parser.add_argument("--days", type=int)
    parser.add_argument("--text", action="append", default=[], help="text the PDF must contain")
    arguments = parser.parse_args()
    artefacts = pathlib.Path(arguments.artefacts)
    artefacts.mkdir(parents=True, exist_ok=True)
    seen = {}

    browser = chromium.start(language="zh-CN")

    def fail(reason):
        print(json.dumps({"ok": False, "reason": reason, **seen}, ensure_ascii=False))
        browser.quit()
        sys.exit(1)

    browser.get(pathlib.Path(arguments.report).resolve().as_uri())
    figures = {cell.get_attribute("data-indicator"): cell.text
               for cell in browser.find_elements(By.CSS_SELECTOR, "#summary td[data-indicator]")}
    seen["indicators"] = figures
    for item in arguments.indicator:
        key, _, text = item.partition("=")
        if figures.get(key) != text:
            fail(f"indicator {key}: shown {figures.get(key)!r}, expected {text!r}")
    areas = {path.get_attribute("data-grid"): path.get_attribute("fill")
             for path in browser.find_elements(By.CSS_SELECTOR, "#grid-map path.grid-area")}
    seen["map"] = areas
    for item in arguments.grid:
        grid, _, colour = item.partition("=")
        if areas.get(grid) != colour:
            fail(f"grid {grid}: filled {areas.get(grid)!r}, expected {colour!r}")
    for chart in ("daily-online", "grid-map"):
        box = browser.find_element(By.ID, chart).rect
        if box["width"] < 100 or box["height"] < 50:
            fail(f"the chart {chart} is not drawn at a readable size: {box}")
    bars = browser.find_elements(By.CSS_SELECTOR, "#daily-online rect.bar")
    seen["days"] = len(bars)
    if arguments.days is not None and len(bars) != arguments.days:
        fail(f"{len(bars)} daily bars, expected {arguments.days}")

    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1000, height + 40)
    browser.save_screenshot(str(artefacts / "report.png"))
    printed = browser.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True})
    pdf = artefacts / "report.pdf"
    pdf.write_bytes(base64.b64decode(printed["data"]))
    browser.quit()

    reader = PdfReader(str(pdf))
    sizes = [(float(page.mediabox.width), float(page.mediabox.height)) for page in reader.pages]
    seen["pages"] = len(sizes)
    if not sizes or any(abs(w - A4[0]) > 1 or abs(h - A4[1]) > 1 for w, h in sizes):
        fail(f"pages are not A4 portrait: {sizes}")
    text = "".join(page.extract_text() or "" for page in reader.pages)
    for wanted in arguments.text:
        if wanted not in text:
            fail(f"the PDF's text lacks {wanted!r}")
    print(json.dumps({"ok": True, **seen}, ensure_ascii=False))


if __name__ == "__main__":
    main()
