#!/usr/bin/env python3
"""Looks at a repository's Alerts and Metrics pages in headless Chromium (Selenium + chromedriver).

usage: alerts_check.py URL TOKEN REPOSITORY OUT_DIR
Prints one JSON object with what it saw; exits 1 (with the reason) when a check fails.
Screenshots go to OUT_DIR: alerts.png, metrics.png, metrics-phone.png.
"""
import json
import sys
import time

from selenium.webdriver.common.by import By

from browser_support import chromium, console_errors


def main():
    url, token, repository, out = sys.argv[1:5]
    driver = chromium()
    seen = {}
    try:
        driver.get(f"{url}/login?token={token}&next=/repos/{repository}/alerts")
        deadline = time.time() + 30
        while time.time() < deadline and not driver.find_elements(By.CSS_SELECTOR, "tr.alert"):
            time.sleep(0.2)
            driver.refresh()
        seen["alert_rows"] = len(driver.find_elements(By.CSS_SELECTOR, "tr.alert"))
        seen["alert_states"] = [row.get_attribute("data-state") for row in driver.find_elements(By.CSS_SELECTOR, "tr.alert")]
        seen["alerts_text"] = driver.find_element(By.TAG_NAME, "main").text
        driver.save_screenshot(f"{out}/alerts.png")
        driver.find_element(By.LINK_TEXT, "Metrics").click()
        time.sleep(0.5)
        charts = driver.find_elements(By.CSS_SELECTOR, "svg.chart")
        seen["charts"] = len(charts)
        seen["chart_titles"] = [chart.get_attribute("aria-label") for chart in charts]
        seen["chart_lines"] = len(driver.find_elements(By.CSS_SELECTOR, "svg.chart polyline.series"))
        seen["chart_width"] = charts[0].size["width"] if charts else 0
        # Live: the page fetches its charts again and swaps them in place (no reload).
        driver.execute_script("window.notReloaded = true")
        seen["refreshed"] = driver.execute_async_script("Gaara.refreshCharts().then(arguments[arguments.length - 1])")
        seen["refreshed_in_place"] = driver.execute_script("return window.notReloaded === true && document.body.dataset.chartsUpdated === '1'")
        seen["charts_after_refresh"] = len(driver.find_elements(By.CSS_SELECTOR, ".charts svg.chart"))
        seen["delivery_heading"] = any(h.text.startswith("Delivery") for h in driver.find_elements(By.TAG_NAME, "h2"))
        seen["console_errors"] = console_errors(driver)
        driver.save_screenshot(f"{out}/metrics.png")
        driver.set_window_size(390, 844)
        time.sleep(0.3)
        seen["phone_scroll_width"] = driver.execute_script("return document.documentElement.scrollWidth")
        driver.save_screenshot(f"{out}/metrics-phone.png")
    finally:
        driver.quit()
    print(json.dumps(seen))
    if seen["alert_rows"] == 0 or seen["charts"] == 0 or seen["chart_lines"] == 0 or not seen["refreshed_in_place"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
