#!/usr/bin/python3
"""A real browser for `jira-oauth dance`, used as $BROWSER by tests/dance/dance_test.sh.

    BROWSER="/usr/bin/python3 tests/dance/browser.py" jira-oauth dance

Opens the URL (jira-provider's authorize page) in headless Chromium driven by Selenium
(/usr/bin/chromium, /usr/bin/chromedriver, python3-selenium, a fresh profile), optionally saves a
screenshot of the page, clicks Allow or Deny, and waits until the browser shows the page of
jira-oauth's loopback callback ("You can close this window"). Then it quits the browser.

Environment:
  DANCE_BROWSER_CLICK    allow (default) or deny
  DANCE_SCREENSHOT       where to save a PNG of the authorize page (optional)
  DANCE_BROWSER_PGID     a file to write this script's process group id to (the test kills that
                         group if anything is left behind; chromedriver and chromium are in it)
Exit status: 0 when the callback page was reached; 1 otherwise (the reason on stderr).
"""
import os
import shutil
import sys
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-proxy-server",  # 127.0.0.1 only, never through a proxy from the environment
    "--window-size=900,560",
]


def log(*words):
    print("browser.py:", *words, file=sys.stderr, flush=True)


def main():
    if len(sys.argv) != 2:
        log("usage: browser.py URL")
        return 2
    url = sys.argv[1]
    click = os.environ.get("DANCE_BROWSER_CLICK", "allow")
    if click not in ("allow", "deny"):
        log("DANCE_BROWSER_CLICK must be allow or deny")
        return 2
    os.setpgid(0, 0)  # chromedriver and chromium join this group: one id to stop them all
    pgid_file = os.environ.get("DANCE_BROWSER_PGID")
    if pgid_file:
        with open(pgid_file, "w") as f:
            f.write(str(os.getpgid(0)))

    profile = tempfile.mkdtemp(prefix="dance-chromium.")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument("--user-data-dir=" + profile)
    driver = None
    try:
        driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
        driver.set_page_load_timeout(30)
        driver.get(url)
        wait = WebDriverWait(driver, 30)
        button = wait.until(
            lambda d: d.find_elements(By.CSS_SELECTOR, 'button[value="%s"]' % click))[0]
        log("authorize page:", driver.title)
        shot = os.environ.get("DANCE_SCREENSHOT")
        if shot:
            driver.save_screenshot(shot)
        button.click()
        wait.until(lambda d: "close this window" in d.page_source)
        landed = driver.current_url.split("?")[0]
        log("clicked", click.capitalize() + "; the browser landed on", landed + ":", driver.title)
        return 0
    except Exception as e:  # a test driver: report anything, exit 1
        log("failed:", type(e).__name__, str(e).splitlines()[0] if str(e) else "")
        if driver is not None:
            log("at", driver.current_url.split("?")[0])
        return 1
    finally:
        if driver is not None:
            driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
