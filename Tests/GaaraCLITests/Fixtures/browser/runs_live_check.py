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

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By


def fail(reason, seen):
    seen["error"] = reason
    print(json.dumps(seen))
    sys.exit(1)


def wait(driver, condition, timeout, what, seen):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            value = condition(driver)
            if value:
                return value
        except Exception:  # the list may be being swapped
            pass
        time.sleep(0.1)
    fail("timed out waiting for " + what, seen)


def main():
    url, token, ready, out = sys.argv[1:5]
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1000"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    seen = {}
    try:
        driver.get(f"{url}/login?token={token}&next=/")
        wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, ".run-list"), 20, "the runs list", seen)
        seen["rows_at_load"] = len(driver.find_elements(By.CSS_SELECTOR, ".runs tbody tr"))
        seen["empty_text"] = " ".join(e.text for e in driver.find_elements(By.CSS_SELECTOR, ".run-list .empty"))
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
        # On a phone (390 px) the page itself does not scroll sideways: the table scrolls in its box.
        driver.set_window_size(390, 844)
        time.sleep(0.3)
        seen["phone_scroll_width"] = driver.execute_script("return document.documentElement.scrollWidth")
        driver.save_screenshot(f"{out}/runs-phone.png")
        seen["console_errors"] = [
            entry["message"] for entry in driver.get_log("browser") if entry.get("level") == "SEVERE"
        ] if hasattr(driver, "get_log") else []
    finally:
        driver.quit()
    print(json.dumps(seen))


main()
