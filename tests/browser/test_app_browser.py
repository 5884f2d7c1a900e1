"""The app in a real browser: it draws offline, steps, resets, compares, and answers fast."""
from __future__ import annotations

import json
import statistics
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from tests.browser.conftest import ROOT, SCREENSHOTS, START_TIMEOUT, console_errors

pytestmark = pytest.mark.slow

#: ECharts figures on each page.
EXPLORE_CHARTS, COMPARE_CHARTS = 7, 4  # Explore: five charts and the network's two layers
#: Steps timed per population (the first, which may warm caches, is dropped).
TIMED_STEPS = 8
LATENCY_BUDGET_MS = 300.0
BENCH_FILE = ROOT / "benchmarks" / "results" / "app.json"

# Clicks a button by its text, then resolves with the milliseconds until the day label and
# the charts' titles (read from the ECharts instances) all show day `target`.
STEP_AND_WAIT = """
const [label, target, done] = arguments;
const btn = [...document.querySelectorAll('button')].find(b => b.innerText.trim().toUpperCase() === label);
const defined = requirejs.s.contexts._.defined;
const echarts = defined[Object.keys(defined).find(k => k.includes('echarts'))];
const re = new RegExp('day ' + target + '(\\\\D|$)');
function ready() {
  const day = document.getElementById('socsim-day');
  if (!day || !day.innerText.startsWith('Day ' + target + ' ')) return false;
  const titles = [...document.querySelectorAll('.solara-echarts')].map(el => {
    const c = echarts.getInstanceByDom(el); const t = c && c.getOption().title; return t && t.length ? String(t[0].text) : ''; });
  return titles.filter(t => re.test(t)).length >= arguments_needed;
}
const arguments_needed = 3;
const t0 = performance.now();
btn.click();
(function poll() { if (ready()) done(performance.now() - t0); else requestAnimationFrame(poll); })();
"""


def _wait(driver, predicate, what: str, timeout: float = START_TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    driver.save_screenshot(str(SCREENSHOTS / "failure.png"))
    pytest.fail(f"timed out waiting for {what} (screenshot: results/screenshots/failure.png)")


def _charts_drawn(driver) -> int:
    return driver.execute_script(
        "return [...document.querySelectorAll('.solara-echarts')].filter(e => e.querySelector('canvas')).length")


def _day(driver) -> str:
    return driver.execute_script("const e = document.getElementById('socsim-day'); return e ? e.innerText : ''")


def _button(driver, text: str):
    from selenium.webdriver.common.by import By

    for b in driver.find_elements(By.TAG_NAME, "button"):
        if b.text.strip().upper() == text.upper():
            return b
    raise AssertionError(f"no button {text!r}")


def _open(driver, url: str, charts: int):
    driver.get(url)
    _wait(driver, lambda: _charts_drawn(driver) >= charts, f"{charts} charts at {url}")
    _wait(driver, lambda: _day(driver).startswith("Day 0 "), "day 0")


def _assert_offline(driver):
    """Every resource the page loaded came from the app's own server."""
    urls = driver.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    foreign = [u for u in urls if not u.startswith(("http://127.0.0.1", "data:", "blob:", "ws://127.0.0.1"))]
    assert not foreign, f"the page loaded assets from elsewhere: {foreign[:5]}"


def test_explore_page_draws_steps_and_resets(browser, app_url):
    _open(browser, app_url, EXPLORE_CHARTS)
    assert _charts_drawn(browser) == EXPLORE_CHARTS
    _assert_offline(browser)
    browser.save_screenshot(str(SCREENSHOTS / "app_initial.png"))
    assert console_errors(browser) == []

    for day in range(1, 31):
        browser.execute_async_script(STEP_AND_WAIT, "STEP", day)
    assert _day(browser).startswith("Day 30 of 90")
    browser.save_screenshot(str(SCREENSHOTS / "app_after_30_steps.png"))
    browser.execute_script("const c = document.querySelectorAll('.solara-echarts'); "
                           "c[c.length - 1].scrollIntoView({block: 'center'});")
    time.sleep(0.3)
    browser.save_screenshot(str(SCREENSHOTS / "app_network_day30.png"))
    browser.execute_script("window.scrollTo(0, 0)")

    running = browser.find_element("id", "socsim-running").text
    assert "operation models: none" in running
    assert browser.execute_script(
        "const l = [...document.querySelectorAll('label')].find(l => l.innerText.includes('Relationship-driven'));"
        "if (l) l.click(); return !!l;")
    _wait(browser, lambda: "press Reset" in browser.page_source, "the 'press Reset' notice")
    assert "operation models: none" in browser.find_element("id", "socsim-running").text  # not applied yet
    _button(browser, "Reset").click()
    _wait(browser, lambda: "operation models: relationship" in browser.find_element("id", "socsim-running").text,
          "the reset run with the relationship model")
    assert _day(browser).startswith("Day 0 ")
    _wait(browser, lambda: "press Reset" not in browser.page_source, "the notice to go")

    _button(browser, "Play").click()
    _wait(browser, lambda: int(_day(browser).split()[1]) >= 3, "Play to advance three days", timeout=60)
    _button(browser, "Pause").click()
    time.sleep(1.0)
    paused = _day(browser)
    time.sleep(1.0)
    assert _day(browser) == paused, "the run went on after Pause"
    assert console_errors(browser) == []


def _latency(driver, url: str) -> list[float]:
    _open(driver, url, EXPLORE_CHARTS)
    times = [driver.execute_async_script(STEP_AND_WAIT, "STEP", day) for day in range(1, TIMED_STEPS + 2)]
    return times[1:]


def test_a_day_step_redraws_within_300_ms(browser, app_url):
    record = {}
    for n in (1000, 5000):
        ms = _latency(browser, f"{app_url}?n={n}")
        record[str(n)] = {"median_ms": round(statistics.median(ms), 1), "max_ms": round(max(ms), 1),
                          "steps": len(ms)}
    BENCH_FILE.parent.mkdir(parents=True, exist_ok=True)
    from simulation.atomic import atomic_write

    atomic_write(BENCH_FILE, json.dumps({
        "benchmark": "app day step: click Step until the day label and the charts show the new day",
        "measured_by": "tests/browser/test_app_browser.py (headless Chromium, 1,280 px, same machine)",
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "budget_ms": LATENCY_BUDGET_MS, "people": record}, indent=2) + "\n")
    assert record["5000"]["median_ms"] <= LATENCY_BUDGET_MS, record
    assert console_errors(browser) == []


def test_compare_page_overlays_two_plans(browser, app_url):
    _open(browser, app_url + "compare?n=1000&days=60", COMPARE_CHARTS)
    _assert_offline(browser)
    _button(browser, "To the end").click()
    _wait(browser, lambda: _day(browser).startswith("Day 60 "), "the comparison to reach day 60")
    verdict = browser.find_element("id", "socsim-verdict").text
    assert verdict.startswith("Day 60: plan B − plan A: buyers ") and "paired replications" in verdict
    time.sleep(0.5)
    browser.save_screenshot(str(SCREENSHOTS / "app_compare.png"))
    assert console_errors(browser) == []


def test_three_platforms_add_the_per_platform_chart(browser, app_url):
    sep = "&" if "?" in app_url else "?"
    _open(browser, f"{app_url}{sep}platforms=1&n=2000", EXPLORE_CHARTS + 1)
    assert _charts_drawn(browser) == EXPLORE_CHARTS + 1
    for day in range(1, 11):
        browser.execute_async_script(STEP_AND_WAIT, "STEP", day)
    assert "platforms: messaging, short video (KOLs), marketplace" in browser.find_element("id", "socsim-running").text
    titles = browser.execute_script(
        "const d = requirejs.s.contexts._.defined; const e = d[Object.keys(d).find(k => k.includes('echarts'))];"
        "return [...document.querySelectorAll('.solara-echarts')].map(el => { const c = e.getInstanceByDom(el);"
        " const t = c && c.getOption().title; return t && t.length ? String(t[0].text) : ''; });")
    assert any(t.startswith("Per platform by day 10") for t in titles), titles
    browser.execute_script("const c = document.querySelectorAll('.solara-echarts'); "
                           "c[c.length - 3].scrollIntoView({block: 'center'});")
    time.sleep(0.3)
    browser.save_screenshot(str(SCREENSHOTS / "app_platforms_day10.png"))
    assert console_errors(browser) == []
