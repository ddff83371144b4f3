#!/usr/bin/env python3
"""Drives the Gaara dashboard in headless Chromium (Selenium + chromedriver) while a run is live.

usage: dashboard_check.py URL TOKEN RUN_ID REPOSITORY OUT_DIR
Prints one JSON object with what it saw; exits 1 (with the reason) when a check fails.
Screenshots go to OUT_DIR: run-live.png, run-done.png, runs.png, repository.png.
"""
import json
import sys
import time

from selenium.webdriver.common.by import By

from browser_support import chromium, console_errors, wait


def main():
    url, token, run_id, repository, out = sys.argv[1:6]
    driver = chromium()
    seen = {}
    try:
        # Signing in with the token lands on the live run page.
        driver.get(f"{url}/login?token={token}&next=/runs/{run_id}")
        # Read inside `wait`: the live page may replace the badge between finding and reading it.
        badge_status = lambda d: d.find_element(By.CSS_SELECTOR, "h1 .badge").get_attribute("data-status")
        seen["status_at_load"] = wait(driver, badge_status, 20, "the run page", seen)
        seen["title"] = driver.title
        # Log lines arrive over server-sent events while the run is still going.
        lines = wait(
            driver,
            lambda d: int(d.execute_script("return document.body.dataset.liveLines || '0'")) > 0
            and d.execute_script("return document.body.dataset.liveLines"),
            120, "live log lines", seen)
        seen["live_lines_first_seen"] = int(lines)
        seen["status_when_lines_arrived"] = driver.execute_script("return document.body.dataset.runStatus || ''")
        seen["graph_nodes"] = len(driver.find_elements(By.CSS_SELECTOR, ".graph .node"))
        driver.save_screenshot(f"{out}/run-live.png")
        # At the end the page reloads with the final state, the gate table and the logs rendered by the server.
        wait(
            driver,
            lambda d: badge_status(d) in ("success", "failure", "cancelled"),
            600, "the run to finish", seen)
        time.sleep(1)
        seen["final_status"] = wait(driver, badge_status, 20, "the reloaded page", seen)
        seen["gate_rows"] = len(driver.find_elements(By.CSS_SELECTOR, "table.gates tbody tr"))
        seen["steps"] = len(driver.find_elements(By.CSS_SELECTOR, "details.step"))
        seen["log_lines"] = len(driver.find_elements(By.CSS_SELECTOR, ".log .line"))
        seen["folded_groups"] = len(driver.find_elements(By.CSS_SELECTOR, ".log details.group"))
        driver.save_screenshot(f"{out}/run-done.png")
        driver.get(f"{url}/")
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "table.runs tbody tr"), 20, "the runs list", seen)
        seen["runs_listed"] = len(driver.find_elements(By.CSS_SELECTOR, "table.runs tbody tr"))
        driver.save_screenshot(f"{out}/runs.png")
        driver.get(f"{url}/?status=failure")
        seen["runs_listed_failure_filter"] = len(driver.find_elements(By.CSS_SELECTOR, "table.runs tbody tr"))
        driver.get(f"{url}/repos/{repository}")
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "section.workflow"), 20, "the repository page", seen)
        seen["workflows"] = len(driver.find_elements(By.CSS_SELECTOR, "section.workflow"))
        seen["dispatch_forms"] = len(driver.find_elements(By.CSS_SELECTOR, "form.dispatch"))
        driver.save_screenshot(f"{out}/repository.png")
        seen["console_errors"] = console_errors(driver)
    finally:
        driver.quit()
    print(json.dumps(seen))


if __name__ == "__main__":
    main()
