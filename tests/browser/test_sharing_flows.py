"""What a reader does in a real browser: find a quote, copy its link, open it, select words
and follow the quote link, copy citations, and do it all from the keyboard."""

import os
import re
from pathlib import Path

import pytest

from tests.browser.data import seed_answer

SOVIET_PHRASE = "a recipe for instability, a recipe for conflict"


def clipboard(page):
    page.bring_to_front()
    return page.evaluate("navigator.clipboard.readText()")


def copy_with(button):
    """Press a copy button and wait until the clipboard holds something new."""
    page = button.page
    # The clipboard takes writes only from the page in front.
    page.bring_to_front()
    page.evaluate("navigator.clipboard.writeText('(nothing copied yet)')")
    button.click()
    page.wait_for_function(
        "async () => (await navigator.clipboard.readText()) !== '(nothing copied yet)'", polling=100
    )


def wait_until_in_viewport(page, selector):
    page.wait_for_function(
        """(selector) => {
            const el = document.querySelector(selector);
            if (!el) return false;
            const box = el.getBoundingClientRect();
            return box.top >= 0 && box.bottom <= window.innerHeight;
        }""",
        arg=selector,
    )


def drag_select(page, container, phrase):
    """Select ``phrase`` inside ``container`` with the mouse, as a reader would."""
    points = page.evaluate(
        """([selector, phrase]) => {
            const root = document.querySelector(selector);
            root.scrollIntoView({block: "center", behavior: "instant"});
            const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
            let node;
            while ((node = walker.nextNode())) {
                const at = node.data.indexOf(phrase);
                if (at < 0) continue;
                const range = document.createRange();
                range.setStart(node, at);
                range.setEnd(node, at + 1);
                const first = range.getBoundingClientRect();
                range.setStart(node, at + phrase.length - 1);
                range.setEnd(node, at + phrase.length);
                const last = range.getBoundingClientRect();
                return [first.left + 1, first.top + first.height / 2, last.right - 1, last.top + last.height / 2];
            }
            return null;
        }""",
        [container, phrase],
    )
    assert points, f"{phrase!r} is not on the page"
    x1, y1, x2, y2 = points
    page.mouse.move(x1, y1)
    page.mouse.down()
    page.mouse.move(x2, y2, steps=8)
    page.mouse.up()
    return page.evaluate("window.getSelection().toString()")


def test_search_copy_link_open_it_and_land_on_the_highlighted_answer(site, page):
    answer = seed_answer()
    page.goto(f"{site}/")
    page.get_by_role("searchbox").first.fill('"sphere of influence over countries"')
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?"))
    # The result opens the answer with the searched words highlighted.
    page.locator(f'a[href*="/{answer.number}/?quote="]', has_text="Open this answer").first.click()
    page.wait_for_url(re.compile(rf"/transcripts/{answer.transcript.slug}/{answer.number}/\?quote="))
    assert page.locator("mark.quote-mark").inner_text() == "sphere of influence over countries"

    # Copy the quote's link, as a reader would to send it on.
    copy_with(page.get_by_role("button", name="Copy quote link"))
    link = clipboard(page)
    assert link == (
        f"{site}{answer.get_absolute_url()}?quote=sphere+of+influence+over+countries#t{answer.number}"
    )
    copy_with(page.locator("#cite").get_by_role("button", name="Copy link", exact=True))
    assert clipboard(page) == f"{site}{answer.get_absolute_url()}"

    # Whoever opens the link lands on the answer, the quote highlighted and in view.
    fresh = page.context.new_page()
    fresh.goto(link)
    assert fresh.locator("mark.quote-mark").inner_text() == "sphere of influence over countries"
    wait_until_in_viewport(fresh, "mark.quote-mark")
    assert fresh.get_by_text("The quoted words are highlighted below.").is_visible()
    fresh.close()


def test_search_results_lead_to_the_answer(site, page):
    answer = seed_answer()
    page.goto(f"{site}/search/?q=%22sphere+of+influence+over+countries%22")
    link = page.locator(f'a[href^="/transcripts/{answer.transcript.slug}/{answer.number}/"]').first
    link.click()
    page.wait_for_url(re.compile(rf"/transcripts/{answer.transcript.slug}/{answer.number}/"))
    assert page.locator(f"#t{answer.number}").is_visible()


def test_select_words_and_follow_the_quote_link(site, page):
    answer = seed_answer()
    page.goto(f"{site}{answer.get_absolute_url()}")
    selected = drag_select(page, f"#t{answer.number} .turn-text", SOVIET_PHRASE)
    assert " ".join(selected.split()) == SOVIET_PHRASE
    toolbar = page.locator(".quote-toolbar")
    toolbar.wait_for(state="visible")
    # Copy the quote with its citation from the toolbar.
    copy_with(toolbar.get_by_role("button", name="Copy quote with citation"))
    copied = clipboard(page)
    assert copied.startswith(f"“{SOVIET_PHRASE}”\n\nBlinken, Antony J.")
    href = toolbar.get_by_role("link", name="Link to this quote").get_attribute("href")
    assert href.endswith(f"#t{answer.number}")
    toolbar.get_by_role("link", name="Link to this quote").click()
    page.wait_for_url(re.compile(r"\?quote="))
    assert " ".join(page.locator("mark.quote-mark").all_inner_texts()) == SOVIET_PHRASE
    wait_until_in_viewport(page, "mark.quote-mark")


def test_selection_in_the_transcript_links_to_the_turn_page(site, page):
    answer = seed_answer()
    page.goto(f"{site}{answer.transcript.get_absolute_url()}")
    drag_select(page, f"#t{answer.number} .turn-text", "spheres of influence")
    link = page.locator(".quote-toolbar").get_by_role("link", name="Link to this quote")
    link.wait_for(state="visible")
    assert link.get_attribute("href") == (
        f"{site}{answer.get_absolute_url()}?quote=spheres+of+influence#t{answer.number}"
    )
    # A selection that runs across two answers is not one quote: no toolbar.
    page.keyboard.press("Escape")
    page.evaluate(
        """() => {
            const texts = document.querySelectorAll('.turn .turn-text');
            const range = document.createRange();
            range.setStart(texts[0].firstElementChild.firstChild, 0);
            range.setEnd(texts[1].firstElementChild.firstChild, 5);
            window.getSelection().removeAllRanges();
            window.getSelection().addRange(range);
            document.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
        }"""
    )
    page.wait_for_timeout(300)
    assert not page.locator(".quote-toolbar").is_visible()


def test_citation_copy_buttons(site, page):
    answer = seed_answer()
    page.goto(f"{site}{answer.get_absolute_url()}")
    box = page.locator("#cite")
    copy_with(box.get_by_role("button", name="Copy Chicago citation"))
    chicago = clipboard(page)
    assert chicago == " ".join(box.locator("#cite-chicago").inner_text().split())
    assert chicago.startswith("Blinken, Antony J. “Secretary Antony J. Blinken With Jake Tapper")
    # Screen readers hear that it worked.
    box.get_by_role("status").filter(has_text="Copied to the clipboard.").wait_for(state="attached")
    # The quote with its citation and the embed code are one click away.
    box.get_by_text("Link to part of the answer, quote with citation, embed").click()
    copy_with(box.get_by_role("button", name="Copy quote with citation"))
    assert clipboard(page).startswith("“I think that’s right.")
    copy_with(box.get_by_role("button", name="Copy embed code"))
    assert clipboard(page).startswith('<blockquote class="archive-quote"')


def test_quote_link_without_javascript_opens_at_the_answer(site, browser, live_server):
    answer = seed_answer()
    context = browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{site}{answer.get_absolute_url()}?quote=recipe+for+conflict#t{answer.number}")
    assert page.locator("mark.quote-mark").inner_text() == "recipe for conflict"
    # The fragment brings the answer to the top of the window (less its scroll margin), or
    # as far as the page scrolls. The scroll is smooth and may start after the answer is
    # already in view, so poll; with scripts off, the page's own timers do not run.
    scrolled_to = """(selector) => {
        const el = document.querySelector(selector);
        const margin = parseFloat(getComputedStyle(el).scrollMarginTop) || 0;
        const end = document.documentElement.scrollHeight - window.innerHeight;
        const top = el.getBoundingClientRect().top;
        return window.scrollY > 0 && (Math.abs(top - margin) < 2 || window.scrollY >= end - 1);
    }"""
    for _ in range(100):
        if page.evaluate(scrolled_to, f"#t{answer.number}"):
            break
        page.wait_for_timeout(100)
    assert page.evaluate(scrolled_to, f"#t{answer.number}")
    wait_until_in_viewport(page, f"#t{answer.number} .turn-head")
    # The texts to copy are there; the buttons that need a script are not shown.
    assert page.locator("#share-permalink").input_value() == f"{site}{answer.get_absolute_url()}"
    assert page.locator("button[data-copy]:visible").count() == 0
    # The quote form works without a script.
    page.get_by_label("Link to part of this answer").fill("spheres of influence")
    page.get_by_role("button", name="Make quote link").click()
    assert page.locator("mark.quote-mark").inner_text() == "spheres of influence"
    assert page.url.endswith(f"#t{answer.number}")
    context.close()


def test_a_quote_the_text_no_longer_contains_is_reported(site, page):
    answer = seed_answer()
    page.goto(f"{site}{answer.get_absolute_url()}?quote=words+never+spoken#t{answer.number}")
    notice = page.locator(".quote-missing")
    assert notice.is_visible()
    assert "The quoted words are not in this answer" in notice.inner_text()
    assert page.locator("mark.quote-mark").count() == 0


FOCUSABLE = (
    "a[href], button, input:not([type=hidden]), textarea, select, summary, [tabindex]:not([tabindex='-1'])"
)


def reachable_by_tab(page, limit=400):
    """Press Tab until focus comes round again; return the ids given to what it reached,
    and the ids of every visible control on the page."""
    everything = page.evaluate(
        """(selector) => {
            const found = [];
            document.querySelectorAll(selector).forEach((el, i) => {
                const style = getComputedStyle(el);
                const box = el.getBoundingClientRect();
                const hidden = el.closest('[hidden]') || style.visibility === 'hidden' || style.display === 'none'
                    || el.disabled || (box.width === 0 && box.height === 0 && !el.closest('.skip-link, .skip-link *'));
                el.dataset.focusProbe = String(i);
                // Inside a closed <details> only its own summary can take focus, and only
                // when no outer <details> is closed too.
                const from = el.tagName === 'SUMMARY' ? el.parentElement.parentElement : el;
                const closed = from && from.closest('details:not([open])');
                if (!hidden && !closed) found.push(String(i));
            });
            return found;
        }""",
        FOCUSABLE,
    )
    page.locator("body").focus()
    reached = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        probe = page.evaluate("document.activeElement && document.activeElement.dataset.focusProbe")
        if probe is None:
            continue
        if reached and probe == reached[0]:
            break
        reached.append(probe)
    return set(reached), set(everything)


@pytest.mark.parametrize("where", ["turn", "transcript", "home", "search"])
def test_keyboard_alone_reaches_every_control(site, page, where):
    answer = seed_answer()
    url = {
        "turn": answer.get_absolute_url(),
        "transcript": answer.transcript.get_absolute_url(),
        "home": "/",
        "search": "/search/?q=Soviet+Union",
    }[where]
    page.goto(f"{site}{url}")
    reached, everything = reachable_by_tab(page)
    assert everything, "no controls found"
    missing = everything - reached
    names = page.evaluate(
        "(ids) => ids.map(id => document.querySelector(`[data-focus-probe='${id}']`).outerHTML.slice(0, 120))",
        sorted(missing),
    )
    assert not missing, f"not reachable with Tab: {names}"


def test_keyboard_copy_and_skip_link(site, page):
    answer = seed_answer()
    page.goto(f"{site}{answer.get_absolute_url()}")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    button = page.locator("#cite").get_by_role("button", name="Copy link")
    button.focus()
    page.evaluate("navigator.clipboard.writeText('(nothing copied yet)')")
    page.keyboard.press("Enter")
    page.wait_for_function("async () => (await navigator.clipboard.readText()) !== '(nothing copied yet)'")
    assert clipboard(page) == f"{site}{answer.get_absolute_url()}"


def test_screenshots_of_the_citation_box(site, browser, tmp_path):
    """Turn page with its citation box at desktop and phone widths (kept for looking at)."""
    answer = seed_answer()
    folder = Path(os.environ.get("ARCHIVE_SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        context = browser.new_context(viewport={"width": width, "height": 900}, device_scale_factor=1)
        page = context.new_page()
        page.goto(f"{site}{answer.get_absolute_url()}?quote={SOVIET_PHRASE.replace(' ', '+')}#t{answer.number}")
        page.screenshot(path=str(folder / f"turn-{width}.png"), full_page=True)
        page.locator("#cite").scroll_into_view_if_needed()
        page.locator("#cite").screenshot(path=str(folder / f"cite-box-{width}.png"))
        # Nothing in the box is wider than the window.
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"page scrolls sideways by {overflow}px at {width}px"
        context.close()
        assert (folder / f"cite-box-{width}.png").stat().st_size > 5000
