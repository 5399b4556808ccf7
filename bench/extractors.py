"""Extractor benchmark: which main-content extractor finds a transcript's own paragraphs.

Run from the project folder (2 shared cores, so under the heavy-work lock):

    flock /tmp/heavy.lock .venv/bin/python bench/extractors.py

The candidates other than trafilatura are not project requirements; install them beside
the project, never into it (justext 3.0.2 already comes with trafilatura):

    .venv/bin/pip install --no-deps --target /tmp/extractors-lib readability-lxml==0.9 \\
        resiliparse==2.0.0 fastwarc==2.0.0 selectolax==1.0.2 'chardet>=5.2,<6' 'cssselect>=1.3,<1.4'

An extractor that does not import is skipped and named as such.

Pages: every real release text in ``../shared/samples/real`` wrapped in the publisher's
chrome by the test helpers — ``state/*.txt`` (headline line, date line, paragraphs, read as
``tests/harvest/test_real_feed_text.py`` reads them) through ``state_page``, and ``wh/*.md``
(front matter, then the briefing-room text as hard-wrapped Markdown) through
``whitehouse_page``.  They are publisher-shaped pages built from real texts, not pages
saved from the live sites.

Per extractor and site:

- exact: the extracted paragraphs are the release's paragraphs, in order, nothing else
  (whitespace collapsed);
- exact-h: the same once the page's own headline, kind and date lines are dropped (the
  archive reads those as metadata; an extractor that keeps them has not leaked chrome);
- all paras: every release paragraph is one of the extracted paragraphs;
- all text: every release paragraph occurs somewhere in the extracted text (so a miss in
  "all paras" but not here is a segmentation difference, not lost text);
- para recall: release paragraphs found as paragraphs, over all pages;
- chrome: pages where a chrome string of the page shows up more often in the extracted
  text than in the release's own text (a transcript may say "Facebook" itself);
- extra: pages with any extracted paragraph that is neither the release's nor its headline,
  kind or date line (chrome the strings above do not name, such as a "Tags" label);
- failed: pages where the extractor raised or found nothing;
- ms: median over pages of each page's median of ``--repeat`` calls (default 3), in
  milliseconds; one warm-up call first, so imports and caches are not counted.
"""

from __future__ import annotations

import argparse
import datetime
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from support import REAL_SAMPLES, ROOT, median_ms  # noqa: E402

sys.path.insert(0, str(ROOT))
from tests.harvest.pages import Release, state_page, whitehouse_page  # noqa: E402

# Appended, not prepended: the project's own lxml and justext must win over anything there.
EXTRA_LIB = Path("/tmp/extractors-lib")
if EXTRA_LIB.is_dir():
    sys.path.append(str(EXTRA_LIB))

# What tests/harvest/test_pages.py checks the State page for, and the White House page's
# own chrome (its banner, share widget and related link, as whitehouse_page prints them).
CHROME = {
    "state": ["official website", "cookies", "Policy Issues", "Facebook", "Related Articles",
              "Joint Statement Following", "Privacy Policy", "Office of the Spokesperson", "Skip to content"],
    "wh": ["official website", "Copy URL", "Share on X", "Fact Sheet", "Related"],
}
WH_KINDS = {"press-briefings": "Press Briefings", "speeches-remarks": "Speeches & Remarks", "remarks": "Remarks"}


def norm(text: str) -> str:
    """One plain space for every run of whitespace (non-breaking spaces too)."""
    return " ".join(text.split())


# -- the pages ---------------------------------------------------------------------------


def state_release(path: Path) -> Release:
    """As test_real_feed_text.release_of: headline line, date line, then paragraphs."""
    title, date_line, body = path.read_text(encoding="utf-8").split("\n", 2)
    date = datetime.datetime.strptime(date_line.strip(), "%B %d, %Y").date()
    paragraphs = [block.strip() for block in body.split("\n\n") if block.strip()]
    return Release(url=f"https://www.state.gov/{path.stem}/", title=title.strip(), date=date, paragraphs=paragraphs)


_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
_MD_BULLET = re.compile(r"^[-*+]\s+")
_MD_EMPHASIS = re.compile(r"(?<!\\)\*+(?=\S)(.+?)(?<=\S)(?<!\\)\*+")
_STRUCK = re.compile(r"</?s>")


def _markdown_paragraph(block: str) -> str:
    """A Markdown block as the text a reader of the page sees: the hard wraps joined, the
    bullet, link targets, emphasis, escapes and strike-through tags gone (the corrected
    word and its correction both stay, as the page shows them)."""
    text = " ".join(line.strip() for line in block.splitlines())
    text = _MD_BULLET.sub("", text)
    text = _MD_EMPHASIS.sub(r"\1", _MD_LINK.sub(r"\1", text))
    text = _STRUCK.sub("", text)
    return _MD_ESCAPE.sub(r"\1", text).strip()


def wh_release(path: Path) -> Release:
    """A briefing-room text: YAML front matter (title, date, tags, source_url), then the body."""
    _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
    meta = yaml.safe_load(front)
    date = meta["date"] if isinstance(meta["date"], datetime.date) else datetime.date.fromisoformat(str(meta["date"]))
    # A line holding only spaces separates paragraphs as an empty one does.
    blocks = re.split(r"\n[ \t\u00a0]*\n", body)
    paragraphs = [p for p in (_markdown_paragraph(b) for b in blocks) if p]
    return Release(url=meta["source_url"], title=norm(meta["title"]), date=date,
                   kind=WH_KINDS.get(meta.get("tags", ""), "Briefings & Statements"), paragraphs=paragraphs)


def build_pages(samples: Path) -> list[tuple[str, str, Release, str]]:
    """(site, name, release, html) for every real text found."""
    pages = []
    for path in sorted((samples / "state").glob("*.txt")):
        release = state_release(path)
        pages.append(("state", path.name, release, state_page(release)))
    for path in sorted((samples / "wh").glob("*.md")):
        release = wh_release(path)
        pages.append(("wh", path.name, release, whitehouse_page(release)))
    return pages


# -- the extractors: each takes the page's HTML and gives its paragraphs ----------------------


def _lines(text: str | None, blank_lines: bool = False) -> list[str]:
    parts = re.split(r"\n\s*\n", text or "") if blank_lines else (text or "").split("\n")
    return [p for p in (norm(part) for part in parts) if p]


def archive_extractor():
    from archive.ingest.html import read_page

    return lambda html: read_page(html).paragraphs


def trafilatura_plain():
    import trafilatura

    # Text output puts each block on its own line.
    return lambda html: _lines(trafilatura.extract(html, favor_precision=True))


_LEAF_BLOCKS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "td", "th", "dd", "dt",
                "figcaption")


def readability_extractor():
    import lxml.html
    from readability import Document

    def extract(html):
        root = lxml.html.fromstring(Document(html).summary(html_partial=True))
        # Innermost blocks only, so a <blockquote><p> is not read twice.
        return [norm(el.text_content()) for el in root.iter(*_LEAF_BLOCKS)
                if norm(el.text_content()) and not any(True for _ in el.iterdescendants(*_LEAF_BLOCKS))]

    return extract


def justext_extractor():
    import justext

    stoplist = justext.get_stoplist("English")
    return lambda html: [norm(p.text) for p in justext.justext(html.encode("utf-8"), stoplist)
                         if not p.is_boilerplate and norm(p.text)]


def resiliparse_extractor():
    from resiliparse.extract.html2text import extract_plain_text

    # Blocks come out separated by blank lines.
    return lambda html: _lines(extract_plain_text(html, main_content=True), blank_lines=True)


def selectolax_extractor():
    from selectolax.lexbor import LexborHTMLParser

    def extract(html):
        tree = LexborHTMLParser(html)
        scope = tree.css_first("article") or tree.css_first("main") or tree.body
        return [t for t in (norm(p.text(deep=True)) for p in scope.css("p")) if t]

    return extract


EXTRACTORS = {
    "trafilatura (archive read_page)": archive_extractor,
    "trafilatura plain": trafilatura_plain,
    "readability-lxml": readability_extractor,
    "justext": justext_extractor,
    "resiliparse": resiliparse_extractor,
    "selectolax naive": selectolax_extractor,
}


# -- scoring -------------------------------------------------------------------------------


def score(site: str, release: Release, got: list[str]) -> dict:
    want = [norm(p) for p in release.paragraphs]
    got = [norm(p) for p in got]
    own_lines = {norm(release.title), norm(release.kind), f"{release.date:%B} {release.date.day}, {release.date.year}"}
    found, wanted = set(got), set(want)
    text = "\n".join(got)
    own_text = "\n".join([norm(release.title), *want])
    leaked = [c for c in CHROME[site] if text.count(c) > own_text.count(c)]
    return {
        "exact": got == want,
        "exact_h": [p for p in got if p not in own_lines] == want,
        "all_paras": all(p in found for p in want),
        "all_text": all(p in text for p in want),
        "paras_found": sum(p in found for p in want),
        "paras": len(want),
        "leaked": leaked,
        "extra": any(p not in own_lines and p not in wanted for p in got),
        "failed": not got,
    }


def run(pages, repeat: int) -> dict:
    results = {}
    for name, factory in EXTRACTORS.items():
        try:
            extract = factory()
        except ImportError as error:
            print(f"skipped {name}: not importable ({error})", file=sys.stderr)
            continue
        try:
            extract(pages[0][3])  # warm-up
        except Exception:
            pass
        rows = []
        for site, page_name, release, html in pages:
            times, got = [], []
            for _ in range(repeat):
                start = time.perf_counter()
                try:
                    got = extract(html)
                except Exception as error:  # a crash is a failed page, not a failed run
                    got = []
                    print(f"{name}: {page_name}: {type(error).__name__}: {error}", file=sys.stderr)
                times.append(time.perf_counter() - start)
            rows.append({"site": site, "name": page_name, "seconds": statistics.median(times),
                         **score(site, release, got)})
        results[name] = rows
    return results


def table(results: dict, site: str | None) -> str:
    head = ["extractor", "pages", "exact", "exact-h", "all paras", "all text", "para recall", "chrome", "extra",
            "failed", "ms"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, rows in results.items():
        rows = [r for r in rows if site is None or r["site"] == site]
        if not rows:
            continue
        recall = sum(r["paras_found"] for r in rows) / max(1, sum(r["paras"] for r in rows))
        counts = [sum(bool(r[key]) for r in rows)
                  for key in ("exact", "exact_h", "all_paras", "all_text", "leaked", "extra", "failed")]
        cells = [name, len(rows), *counts[:4], f"{recall:.1%}", *counts[4:], median_ms([r["seconds"] for r in rows])]
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    return "\n".join(lines)


def main():
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--samples", type=Path, default=REAL_SAMPLES, help="folder holding state/ and wh/")
    options.add_argument("--repeat", type=int, default=3, help="timed calls per page (median kept)")
    args = options.parse_args()

    pages = build_pages(args.samples)
    if not pages:
        sys.exit(f"no real texts in {args.samples}/state or {args.samples}/wh")
    results = run(pages, args.repeat)
    sites = Counter(site for site, *_ in pages)
    for site, label in (("state", "State Department pages"), ("wh", "White House pages"), (None, "All pages")):
        if site is None or sites[site]:
            print(f"\n### {label}\n\n{table(results, site)}")
    print("\nChrome strings that leaked (pages):")
    for name, rows in results.items():
        counts = Counter(c for r in rows for c in r["leaked"])
        print(f"- {name}: " + (", ".join(f'"{c}" {n}' for c, n in counts.most_common()) or "none"))


if __name__ == "__main__":
    main()
