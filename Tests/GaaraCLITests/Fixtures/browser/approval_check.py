#!/usr/bin/env python3
"""Approves a waiting deployment in the Gaara dashboard with headless Chromium (Selenium + chromedriver).

usage: approval_check.py URL REVIEWER_TOKEN ADMIN_TOKEN RUN_ID REPOSITORY OUT_DIR
Prints one JSON object with what it saw; exits 1 (with the reason) when a check fails.
Screenshots go to OUT_DIR: approval-waiting.png, approval-phone.png, approval-done.png,
environments.png, audit.png.
"""
import json
import sys
import time

from selenium.webdriver.common.by import By

from browser_support import chromium, wait


def main():
    url, reviewer, admin, run_id, repository, out = sys.argv[1:7]
    driver = chromium()
    seen = {}
    try:
        driver.get(f"{url}/login?token={reviewer}&next=/runs/{run_id}")
        form = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, ".approval form.review"), 30, "the approval form", seen)
        seen["panel_text"] = driver.find_element(By.CSS_SELECTOR, ".approval").text
        seen["graph_waiting"] = len(driver.find_elements(By.CSS_SELECTOR, ".graph .node.waiting"))
        seen["buttons"] = [b.text for b in form.find_elements(By.TAG_NAME, "button")]
        driver.save_screenshot(f"{out}/approval-waiting.png")
        # A phone: the page must not scroll sideways.
        driver.set_window_size(390, 844)
        time.sleep(0.3)
        seen["phone_scroll_width"] = driver.execute_script("return document.documentElement.scrollWidth")
        driver.save_screenshot(f"{out}/approval-phone.png")
        driver.set_window_size(1400, 1000)
        form = driver.find_element(By.CSS_SELECTOR, ".approval form.review")
        form.find_element(By.NAME, "comment").send_keys("approved from the dashboard")
        form.find_element(By.CSS_SELECTOR, "button.approve").click()

        def finished(d):
            d.refresh()
            return d.find_element(By.CSS_SELECTOR, "h1 .badge").get_attribute("data-status") in ("success", "failure")

        wait(driver, finished, 120, "the run to finish after approval", seen)
        seen["final_status"] = driver.find_element(By.CSS_SELECTOR, "h1 .badge").get_attribute("data-status")
        seen["approval_panels_after"] = len(driver.find_elements(By.CSS_SELECTOR, ".approval"))
        seen["deployment_rows"] = len(driver.find_elements(By.CSS_SELECTOR, "table.deployments tbody tr"))
        driver.save_screenshot(f"{out}/approval-done.png")

        driver.get(f"{url}/repos/{repository}/environments")
        wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "section.environment"), 20, "the environments page", seen)
        seen["environments"] = [e.get_attribute("id") for e in driver.find_elements(By.CSS_SELECTOR, "section.environment")]
        seen["environments_text"] = driver.find_element(By.TAG_NAME, "main").text
        driver.save_screenshot(f"{out}/environments.png")

        driver.get(f"{url}/login?token={admin}&next=/audit")
        wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "table.audit tbody tr"), 20, "the audit trail", seen)
        seen["audit_rows"] = len(driver.find_elements(By.CSS_SELECTOR, "table.audit tbody tr"))
        seen["audit_text"] = driver.find_element(By.CSS_SELECTOR, "table.audit").text
        driver.save_screenshot(f"{out}/audit.png")
    finally:
        driver.quit()
    print(json.dumps(seen))


if __name__ == "__main__":
    main()
