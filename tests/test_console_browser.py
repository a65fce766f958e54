"""The console in a real browser: Debian's Chromium, headless, driven by Selenium through chromedriver.

One browser and one server (in a thread) for the whole module. The console reads a temporary copy
of content/ (HAMSTRING_CONTENT_DIR), so a test can edit it as an editor would. Screenshots go to
build/screenshots/ (kept as artefacts, not committed).

Without Chromium the module is skipped with a message, except under CI=true, where it fails:
`make test` installs chromium and chromium-driver when it runs as root.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import threading

import pytest

from skill import paths
from skill.adapters.simulator.session import Simulator
from skill.core.content import load_content

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
SCREENSHOTS = paths.ROOT / "build" / "screenshots"
WAIT_SECONDS = 30          # the longest any step may take before the test gives up (not a speed check)
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--window-size=1400,1000", "--lang=nl-NL")

if not (CHROMIUM and CHROMEDRIVER):
    message = ("Chromium or chromedriver is missing (apt-get install chromium chromium-driver; "
               "`make test` does it as root)")
    if os.environ.get("CI"):
        pytest.fail(f"{message}: under CI the browser tests must run", pytrace=False)
    pytest.skip(f"{message}: the console's browser tests are skipped", allow_module_level=True)

from selenium import webdriver                                        # noqa: E402
from selenium.webdriver.chrome.service import Service                 # noqa: E402
from selenium.webdriver.common.by import By                           # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait       # noqa: E402


@pytest.fixture(scope="module")
def content_copy(tmp_path_factory):
    copy = tmp_path_factory.mktemp("console") / "content"
    shutil.copytree(paths.content_dir(), copy)
    return copy


@pytest.fixture(scope="module")
def console_url(content_copy, store):
    from werkzeug.serving import make_server

    from skill.adapters.web import create_app
    from skill.voice.app import build_skill

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HAMSTRING_CONSOLE", "1")
        patch.setenv("HAMSTRING_CONTENT_DIR", str(content_copy))
        skill = build_skill(load_content(content_copy), persistence_adapter=store)
        app = create_app(skill)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}/console/"
        finally:
            server.shutdown()
            app.extensions["hamstring_console"]["checks"].stop()


@pytest.fixture(scope="module")
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    profile = tempfile.mkdtemp(prefix="console-chromium-")
    options.add_argument(f"--user-data-dir={profile}")
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def wait(browser, condition, what: str):
    return WebDriverWait(browser, WAIT_SECONDS).until(condition, message=what)


def turns(browser) -> int:
    return len(browser.find_elements(By.CSS_SELECTOR, "#turns .turn"))


def click_suggestion(browser, group: str, matches=lambda text: True) -> str:
    """Clicks the first suggested utterance of a group that matches; returns what was said."""
    buttons = browser.find_elements(By.CSS_SELECTOR, f".suggestion-group[data-group='{group}'] button.suggestion")
    button = next(b for b in buttons if matches(b.get_attribute("data-text")))
    text = button.get_attribute("data-text")
    before = turns(browser)
    button.click()
    wait(browser, lambda b: turns(b) > before, f"an answer to {text!r}")
    return text


def open_chat(browser, console_url):
    browser.get(console_url)
    wait(browser, lambda b: turns(b) >= 1, "the welcome")
    Select(browser.find_element(By.ID, "tempo")).select_by_value("60")
    autoplay = browser.find_element(By.ID, "autoplay")
    if autoplay.is_selected():
        autoplay.click()


def test_a_triage_by_clicking_reaches_an_outcome_and_the_why_pane_shows_the_urgency(browser, console_url,
                                                                                     content_copy, store, nlu):
    open_chat(browser, console_url)
    said = [click_suggestion(browser, "Beginnen", lambda text: "pijn" in text)]
    for _ in range(12):
        if browser.find_elements(By.ID, "why-urgency"):
            break
        said.append(click_suggestion(browser, "Antwoorden"))
    urgency = browser.find_element(By.ID, "why-urgency")
    shown = urgency.get_attribute("data-urgency")
    browser.save_screenshot(str(SCREENSHOTS / "console-triage.png"))

    # The same clicks, said to `make chat`'s simulator, end in the same urgency.
    from skill.voice.app import build_skill
    sim = Simulator(build_skill(load_content(content_copy), persistence_adapter=store), nlu)
    sim.launch()
    for text in said:
        turn = sim.say(text)
    assert turn.triage is not None and shown == turn.triage["urgency"]
    assert shown in urgency.text
    rule = browser.find_element(By.ID, "why-triage").text
    assert "Beslissende regel" in rule and len(said) - 1 <= rule.count(":")     # every answer listed
    assert browser.find_element(By.ID, "why-score").text.startswith(("0.", "1.0"))


def test_a_warm_up_block_plays_with_its_pauses_on_the_timeline(browser, console_url, content_copy):
    open_chat(browser, console_url)
    click_suggestion(browser, "Beginnen", lambda text: "warming" in text)
    block = browser.find_elements(By.CSS_SELECTOR, "#turns .turn")[-1]
    pauses = block.find_elements(By.CSS_SELECTOR, ".timeline .seg-pause")
    speech = block.find_elements(By.CSS_SELECTOR, ".timeline .seg-speech")
    assert len(pauses) > 10 and speech          # a warm-up block counts and holds with pauses
    assert "warmup" in browser.find_element(By.ID, "why-coach").text
    block.find_element(By.CSS_SELECTOR, "button.play").click()
    wait(browser, lambda b: block.find_element(By.CSS_SELECTOR, ".timeline").get_attribute("data-state") == "done",
         "the block to play to its end")
    played = block.find_elements(By.CSS_SELECTOR, ".timeline .seg.played")
    assert len(played) == len(pauses) + len(speech)
    assert "afgespeeld" in block.find_element(By.CSS_SELECTOR, ".play-status").text
    browser.save_screenshot(str(SCREENSHOTS / "console-warmup.png"))


def test_the_triage_page_draws_the_protocol_with_the_vignettes(browser, console_url):
    from skill.adapters.simulator import vignettes
    browser.get(console_url + "triage")
    diagram = browser.find_element(By.ID, "triage-diagram")
    wait(browser, lambda b: diagram.get_attribute("data-rendered"), "Mermaid to draw the diagram")
    assert diagram.get_attribute("data-rendered") == "yes"
    assert diagram.find_elements(By.CSS_SELECTOR, "svg g.node")
    rows = browser.find_elements(By.CSS_SELECTOR, "table.vignettes[data-set='team'] tbody tr")
    assert len(rows) == len(vignettes.load("team"))
    browser.save_screenshot(str(SCREENSHOTS / "console-triage-graph.png"))


def test_the_content_page_shows_an_editors_saved_change_and_their_mistake(browser, console_url, content_copy):
    topics_file = content_copy / "topics.yaml"
    original = topics_file.read_text(encoding="utf-8")
    topic = next(iter(load_content(content_copy).topics.values()))
    try:
        browser.get(console_url + "onderwerpen")
        part = browser.find_element(By.CSS_SELECTOR, f"#topic-{topic.id} .part-text")
        assert part.text == topic.short

        new_line = "Dit korte antwoord is net door de redactie aangepast."
        topics_file.write_text(_replace_first_short_line(original, topic.id, new_line), encoding="utf-8")
        browser.refresh()
        part = browser.find_element(By.CSS_SELECTOR, f"#topic-{topic.id} .part-text")
        assert part.text.startswith(new_line) and part.text != topic.short
        assert "zonder fouten" in browser.find_element(By.ID, "problems").text
        browser.save_screenshot(str(SCREENSHOTS / "console-topics-edited.png"))

        topics_file.write_text(original.replace(f"id: {topic.id}\n", "id: Fout Id\n", 1), encoding="utf-8")
        browser.refresh()
        problems = browser.find_element(By.ID, "problems")
        assert "content/topics.yaml, regel" in problems.text
        browser.save_screenshot(str(SCREENSHOTS / "console-topics-problem.png"))
    finally:
        topics_file.write_text(original, encoding="utf-8")


def _replace_first_short_line(text: str, topic_id: str, new_line: str) -> str:
    """The editor's change: the first line of the topic's short answer (a folded YAML block) rewritten."""
    lines = text.split("\n")
    start = lines.index(f"  - id: {topic_id}")
    short = next(i for i in range(start, len(lines)) if lines[i].strip().startswith("short:"))
    first = short + 1
    indent = lines[first][:len(lines[first]) - len(lines[first].lstrip())]
    lines[first] = indent + new_line
    return "\n".join(lines)
