"""What a reader does on the transcript, turn, search, topic and speaker pages in a real
browser: read and follow turn numbers, find words without JavaScript, keep to one speaker,
choose a citation style, follow the source, and narrow a search from a chart's bar."""

import os
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.data import seed_answer

CHAVES_SOURCE = (
    "https://bidenwhitehouse.archives.gov/briefing-room/speeches-remarks/2023/08/29/"
    "remarks-by-president-biden-and-president-rodrigo-chaves-robles-of-costa-rica-before-bilateral-meeting/"
)


@pytest.fixture
def no_script_page(browser, site):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def test_turn_numbers_are_visible_and_lead_to_the_turn(site, page):
    answer = seed_answer()
    page.goto(f"{site}{answer.transcript.get_absolute_url()}#{answer.anchor}")
    number = page.locator(f"#{answer.anchor} .turn-number")
    assert number.is_visible()
    # What shows is the number alone ("Turn" is for screen readers), clear of the text.
    shown = number.evaluate("el => [...el.childNodes].filter(n => n.nodeType === 3).map(n => n.data).join('')")
    assert shown == str(answer.number)
    box = number.bounding_box()
    assert box["width"] >= 20 and box["height"] >= 16
    # Screen readers hear which turn it is, not a bare number.
    assert page.get_by_role("link", name=f"Turn {answer.number}", exact=True).count() == 1
    number.click()
    page.wait_for_url(f"{site}{answer.get_absolute_url()}")
    assert page.locator(".breadcrumbs [aria-current=page]").inner_text() == f"Turn {answer.number}"


def test_find_in_the_transcript_without_javascript(site, no_script_page):
    page = no_script_page
    answer = seed_answer()
    page.goto(f"{site}{answer.transcript.get_absolute_url()}")
    page.get_by_label("Find in this transcript").fill("Putin's")
    page.get_by_role("button", name="Find", exact=True).click()
    page.wait_for_url(re.compile(r"\?find=Putin%27s"))
    heading = page.locator("#find-heading")
    assert re.fullmatch(r"\d+ turns? with “Putin's”", heading.inner_text())
    # The seed answer says "President Putin’s objectives": listed, and marked where it stands.
    link = page.locator(".find-list a", has_text=f"Turn {answer.number}")
    link.click()
    assert page.url.endswith(f"#{answer.anchor}")
    marks = page.locator(f"#{answer.anchor} mark.find-mark").all_inner_texts()
    assert "Putin’s" in marks
    assert page.locator(f"#{answer.anchor}").evaluate("el => el.classList.contains('turn-found')")


def test_one_speakers_turns_and_back(site, page):
    answer = seed_answer()
    page.goto(f"{site}{answer.transcript.get_absolute_url()}")
    page.get_by_role("link", name=f"Only {answer.speaker.name}").click()
    page.wait_for_url(re.compile(rf"\?speaker={answer.speaker.slug}$"))
    speakers = set(page.locator(".turns .turn-speaker").all_inner_texts())
    assert speakers == {answer.speaker.name}
    assert page.locator(f"#{answer.anchor}").is_visible()
    page.get_by_role("link", name="Show the whole transcript").click()
    assert len(set(page.locator(".turns .turn-speaker").all_inner_texts())) > 1


def test_the_citation_box_shows_one_style_and_remembers_the_choice(site, page):
    answer = seed_answer()
    page.goto(f"{site}{answer.get_absolute_url()}")
    box = page.locator("#cite")
    assert box.locator("#cite-chicago").is_visible()
    assert not box.locator("#cite-apa").is_visible()
    assert not box.locator("#share-embed").is_visible()
    box.get_by_text("APA", exact=True).click()
    box.locator("#cite-apa").wait_for(state="visible")
    assert box.locator("#cite-apa").inner_text().startswith("Blinken, A. J. (2022, January 9).")
    # One style open at a time.
    assert not box.locator("#cite-chicago").is_visible()
    # The next page opens with the reader's style.
    page.goto(f"{site}{answer.transcript.get_absolute_url()}")
    page.locator("#cite > summary").click()
    assert page.locator("#cite-apa").is_visible()
    assert not page.locator("#cite-chicago").is_visible()


def test_the_citation_styles_work_without_javascript(site, no_script_page):
    page = no_script_page
    answer = seed_answer()
    page.goto(f"{site}{answer.get_absolute_url()}")
    page.locator("#cite").get_by_text("MLA", exact=True).click()
    assert page.locator("#cite-mla").is_visible()
    assert page.locator("#cite-mla").inner_text().startswith("Blinken, Antony J.")


def test_the_source_link_beside_the_quote(site, page):
    from archive.models import Turn

    turn = Turn.objects.live().select_related("transcript").get(
        transcript__source_url=CHAVES_SOURCE, number=2
    )
    page.goto(f"{site}{turn.get_absolute_url()}")
    link = page.locator(".turn-source a")
    assert link.is_visible()
    assert link.get_attribute("href") == CHAVES_SOURCE
    assert link.inner_text() == "The White House"
    answer = seed_answer()
    page.goto(f"{site}{answer.get_absolute_url()}")
    assert page.locator(".turn-source").inner_text() == "Original: U.S. Department of State. Source address not recorded"


def test_a_search_charts_bars_narrow_it_to_their_period(site, page):
    page.goto(f"{site}/search/?q=Russia")
    bars = page.locator("svg.timeline-chart a")
    assert bars.count() >= 2
    bar = bars.first
    label = bar.get_attribute("aria-label")  # "2021: 3 turns"
    period, count = re.fullmatch(r"(.+): (\d+) turns?", label).groups()
    bar.click()
    page.wait_for_url(re.compile(r"from="))
    query = parse_qs(urlsplit(page.url).query)
    assert query["q"] == ["Russia"]
    assert query["from"][0].startswith(period[-4:]) and query["to"][0].startswith(period[-4:])
    heading = page.locator("#results-heading").inner_text()
    assert heading.startswith(f"{count} matching turn")


def _follow_the_first_bar(page, address):
    """Open ``address``, click its chart's first bar: (the bar's count, the search's query)."""
    page.goto(address)
    bar = page.locator("svg.timeline-chart a").first
    count = re.search(r": (\d+) turns?$", bar.get_attribute("aria-label")).group(1)
    bar.click()
    page.wait_for_url(re.compile(r"/search/\?"))
    return count, parse_qs(urlsplit(page.url).query)


def test_a_speakers_chart_leads_to_a_search_of_that_speaker_in_that_period(site, page):
    answer = seed_answer()
    count, query = _follow_the_first_bar(page, f"{site}{answer.speaker.get_absolute_url()}")
    assert query["speaker"] == [answer.speaker.slug]
    assert page.locator("#results-heading").inner_text().startswith(f"Newest of {count} turn")
    # The table gives the same numbers to those who do not see the bars.
    page.go_back()
    page.get_by_text("The numbers as a table").first.click()
    assert page.locator(".timeline-table td").first.inner_text() == count


def test_a_topics_chart_leads_to_a_search_of_that_topic_in_that_period(site, page):
    seed_answer()
    count, query = _follow_the_first_bar(page, f"{site}/topics/russia/")
    assert query["topic"] == ["russia"]
    assert query["from"] and query["to"]
    assert page.locator("#results-heading").inner_text().startswith(f"Newest of {count} turn")


PAGES = {
    "transcript": lambda a: a.transcript.get_absolute_url(),
    "transcript-find": lambda a: f"{a.transcript.get_absolute_url()}?find=Russia",
    "turn": lambda a: a.get_absolute_url(),
    "search": lambda a: "/search/?q=Russia",
    "topic": lambda a: "/topics/russia/",
    "speaker": lambda a: a.speaker.get_absolute_url(),
}


def test_screenshots_of_the_readers_pages(site, browser, tmp_path):
    """Each page at desktop and phone widths (kept for looking at); none scrolls sideways."""
    answer = seed_answer()
    folder = Path(os.environ.get("ARCHIVE_SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        context = browser.new_context(viewport={"width": width, "height": 900}, device_scale_factor=1)
        page = context.new_page()
        for name, url in PAGES.items():
            page.goto(f"{site}{url(answer)}")
            page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}px"
        context.close()
