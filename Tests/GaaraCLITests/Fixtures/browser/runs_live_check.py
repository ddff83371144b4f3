#!/usr/bin/env python3
"""Watches the runs list in headless Chromium while a push arrives: the new run must appear and
finish in the list without the page reloading.

usage: runs_live_check.py URL TOKEN READY_FILE OUT_DIR
Writes READY_FILE once the list listens for changes (the caller pushes then); prints one JSON
object with what it saw; exits 1 (with the reason) when a check fails. Screenshots: runs-live.png, runs-phone.png (390 px wide).
"""
import json
import pathlib
import sys
import time

from selenium.webdriver.common.by import By

from browser_support import chromium, console_errors, wait


# The contrast (WCAG 2 ratio) of every status badge's text on its background, and of the coloured
# annotation lines on the page, as the browser computes their colours from the dashboard's CSS.
CONTRAST = """
const statuses = ['success', 'failure', 'cancelled', 'skipped', 'running', 'queued', 'waiting', 'pending', 'interrupted',
  'in_progress', 'deploying', 'live', 'kept', 'retired', 'firing', 'delivered', 'error', 'inactive'];
function rgb(text) { return text.match(/[0-9.]+/g).slice(0, 3).map(Number); }
function luminance(color) {
  const [r, g, b] = rgb(color).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}
function ratio(a, b) { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); }
const box = document.createElement('div');
document.body.appendChild(box);
const seen = {};
for (const status of statuses) {
  const badge = document.createElement('span');
  badge.className = 'badge ' + status;
  badge.textContent = status;
  box.appendChild(badge);
  const style = getComputedStyle(badge);
  seen['badge ' + status] = Math.round(ratio(style.color, style.backgroundColor) * 100) / 100;
}
const list = document.createElement('ul');
list.className = 'annotations';
box.appendChild(list);
const page = getComputedStyle(document.body).backgroundColor;
for (const level of ['error', 'warning']) {
  const item = document.createElement('li');
  item.className = level;
  item.textContent = level;
  list.appendChild(item);
  seen['annotation ' + level] = Math.round(ratio(getComputedStyle(item).color, page) * 100) / 100;
}
box.remove();
return seen;
"""


def main():
    url, token, ready, out = sys.argv[1:5]
    driver = chromium()
    seen = {}
    try:
        driver.get(f"{url}/login?token={token}&next=/")
        wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, ".run-list"), 20, "the runs list", seen)
        seen["rows_at_load"] = len(driver.find_elements(By.CSS_SELECTOR, ".runs tbody tr"))
        seen["empty_text"] = " ".join(e.text for e in driver.find_elements(By.CSS_SELECTOR, ".run-list .empty"))
        seen["push_urls"] = " ".join(e.text for e in driver.find_elements(By.CSS_SELECTOR, ".run-list .push-urls li"))
        # A marker that a reload would wipe out.
        driver.execute_script("window.gaaraMarker = 'kept';")
        wait(driver, lambda d: d.execute_script("return document.body.dataset.runsLive") == "1", 20, "the live stream", seen)
        pathlib.Path(ready).touch()
        status = lambda d: d.find_element(By.CSS_SELECTOR, ".runs tbody tr .badge").get_attribute("data-status")
        seen["first_status_seen"] = wait(driver, status, 120, "the pushed run in the list", seen)
        seen["final_status"] = wait(driver, lambda d: status(d) in ("success", "failure") and status(d), 180, "the run to finish in the list", seen)
        seen["rows_after"] = len(driver.find_elements(By.CSS_SELECTOR, ".runs tbody tr"))
        seen["updates"] = int(driver.execute_script("return document.body.dataset.runsUpdated || '0'"))
        seen["marker"] = driver.execute_script("return window.gaaraMarker || ''")
        driver.save_screenshot(f"{out}/runs-live.png")
        seen["contrast"] = driver.execute_script(CONTRAST)
        # On a phone (390 px) the page itself does not scroll sideways: the table scrolls in its box.
        driver.set_window_size(390, 844)
        time.sleep(0.3)
        seen["phone_scroll_width"] = driver.execute_script("return document.documentElement.scrollWidth")
        driver.save_screenshot(f"{out}/runs-phone.png")
        seen["console_errors"] = console_errors(driver)
    finally:
        driver.quit()
    print(json.dumps(seen))


main()
