"""axe-core (shipped inside axe-playwright-python, so nothing is fetched) on the main pages:
no serious or critical violations."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.data import seed_answer

SERIOUS = {"serious", "critical"}


def violations(page):
    results = Axe().run(page, options={"resultTypes": ["violations"]})
    found = results.response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(n["html"][:120] for n in v["nodes"][:3])
        for v in found
        if v["impact"] in SERIOUS
    ]


PAGES = {
    "home": lambda answer: "/",
    "transcripts": lambda answer: "/transcripts/",
    "transcript": lambda answer: answer.transcript.get_absolute_url(),
    "turn": lambda answer: answer.get_absolute_url(),
    "turn with quote": lambda answer: f"{answer.get_absolute_url()}?quote=recipe+for+conflict#t{answer.number}",
    "turn with missing quote": lambda answer: f"{answer.get_absolute_url()}?quote=never+said",
    "speakers": lambda answer: "/speakers/",
    "speaker": lambda answer: answer.speaker.get_absolute_url(),
    "search": lambda answer: "/search/?q=Soviet+Union",
    "search with a chart": lambda answer: "/search/?q=Russia",
    "transcript with a find": lambda answer: f"{answer.transcript.get_absolute_url()}?find=Russia%27s",
    "one speaker's turns": lambda answer: f"{answer.transcript.get_absolute_url()}?speaker={answer.speaker.slug}",
    "topic": lambda answer: "/topics/russia/",
    "topics": lambda answer: "/topics/",
    "embed": lambda answer: f"{answer.get_absolute_url()}embed/",
}


@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_accessibility_violations(site, page, name):
    answer = seed_answer()
    response = page.goto(f"{site}{PAGES[name](answer)}")
    assert response.status == 200, name
    found = violations(page)
    assert not found, "\n".join(found)


def test_open_transcript_citation_box_and_quote_toolbar_are_accessible(site, page):
    answer = seed_answer()
    page.goto(f"{site}{answer.transcript.get_absolute_url()}")
    page.locator("#cite > summary").click()
    assert not violations(page)
    page.goto(f"{site}{answer.get_absolute_url()}")
    page.evaluate(
        """(anchor) => {
            const p = document.querySelector(`#${anchor} .turn-text p`);
            const range = document.createRange();
            range.setStart(p.firstChild, 0);
            range.setEnd(p.firstChild, 20);
            window.getSelection().removeAllRanges();
            window.getSelection().addRange(range);
            document.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
        }""",
        answer.anchor,
    )
    page.locator(".quote-toolbar").wait_for(state="visible")
    assert not violations(page)
