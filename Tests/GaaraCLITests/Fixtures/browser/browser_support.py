"""What the dashboard checks share: headless Chromium through Selenium, and the two ways a check
ends early (a failed check prints what was seen, with the reason, and exits 1)."""
import json
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service


def chromium():
    """A headless Chromium, 1400×1000, driven by Debian's chromedriver."""
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1000"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def fail(reason, seen):
    seen["error"] = reason
    print(json.dumps(seen))
    sys.exit(1)


def wait(driver, condition, timeout, what, seen):
    """The first truthy value of `condition(driver)` within `timeout` seconds, else `fail`."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            value = condition(driver)
            if value:
                return value
        except Exception:  # the page may be changing under the check
            pass
        time.sleep(0.1)
    fail("timed out waiting for " + what, seen)


def console_errors(driver):
    """The browser's SEVERE console messages (none when the driver cannot tell)."""
    if not hasattr(driver, "get_log"):
        return []
    return [entry["message"] for entry in driver.get_log("browser") if entry.get("level") == "SEVERE"]
