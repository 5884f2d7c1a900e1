"""The report in a real browser at 1,280 px: nothing overflows sideways, every figure loads."""
from __future__ import annotations

import pytest

from simulation.analysis.report import write_report
from tests.analysis.fake_output import grid_output, scenarios_output
from tests.browser.conftest import SCREENSHOTS, console_errors

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("make", [grid_output, scenarios_output], ids=["grid", "scenarios"])
def test_report_fits_1280_px_and_loads_every_figure(browser, tmp_path, make):
    out = make(tmp_path)
    write_report(out)
    browser.set_window_size(1280, 900)
    browser.get((out / "report.html").as_uri())
    width = browser.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"the page is {width[0]} px wide in a {width[1]} px window"
    images = browser.execute_script(
        "return [...document.images].map(i => [i.complete && i.naturalWidth > 0, i.alt.slice(0, 60)])")
    assert images and all(ok for ok, _ in images), [alt for ok, alt in images if not ok]
    first = browser.execute_script("return document.querySelector('h2').innerText")
    assert first == "Summary"
    # the design points table, the report's main table, fits without scrolling sideways in its box
    box = browser.execute_script(
        "const h = [...document.querySelectorAll('h2')].find(e => e.innerText === 'Design points');"
        "const b = h.nextElementSibling; return [b.scrollWidth, b.clientWidth];")
    assert box[0] <= box[1], f"the design points table is {box[0]} px wide in a {box[1]} px box"
    if make is grid_output:
        browser.save_screenshot(str(SCREENSHOTS / "report_first_screen.png"))
    assert console_errors(browser) == []
