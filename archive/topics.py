"""Tagging turns with the topics they speak about.

The vocabulary is the Topic table (loaded from ``archive/data/topics.yaml`` by
``manage.py load_topics``, or automatically into an archive that has no topic yet; extended
by staff in the admin). A compiled ``Vocabulary`` finds a turn's topics with a dictionary lookup
per word, so tagging a whole archive takes seconds; ``tag_turns`` compiles it at most once
per vocabulary change.

Matching rules (also described at the top of the YAML file): whole words; case-insensitive
except that capitalised aliases need a capital and acronyms must be written as acronyms;
accents and apostrophes folded; possessives ignored; a trailing ``*`` matches any ending;
the longest alias wins; phrases listed as "not a topic" are consumed without tagging.
A turn is tagged from its own spoken words only (not its notes, not the question it answers),
so a topic page shows what each speaker actually said about the topic.

A tag says the turn is *about* the topic, not that a word of it was said once
(``Vocabulary.about``): a turn of more than ``SHORT_TURN_WORDS`` words needs at least
``MIN_MENTIONS`` mentions of the topic, more as the turn grows (the square root of its
length in ``WORDS_PER_STEP`` units: 2 up to about 300 words, 4 at 800, 8 at 3,000 — a long
speech returns to each of its subjects); a topic the transcript's headline names needs one
mention fewer. A turn keeps at most ``MAX_TOPICS`` tags, the most mentioned first.
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.utils.text import slugify

from archive.search.analysis import WORD_RE, base, fold
from archive.search.documents import spoken_text

VOCABULARY_FILE = Path(__file__).resolve().parent / "data" / "topics.yaml"
KINDS = ("country", "organisation", "theme")
IGNORE_KEY = "not a topic"

# How much of a turn must be about a topic for the turn to carry it (see the module's doc).
SHORT_TURN_WORDS = 40  # up to this long, one mention is what the turn is about
MIN_MENTIONS = 2
WORDS_PER_STEP = 50
MAX_TOPICS = 5

# Printed words whose folded form a vocabulary remembers, at most.
FOLDED_KEPT = 200_000

# Case rules for each word of an alias.
ANY_CASE, CAPITALISED, ACRONYM, SHORT_ACRONYM = range(4)


@dataclass(frozen=True, slots=True)
class _Alias:
    topic_id: int | None  # None: a phrase that is not a topic
    rules: tuple[int, ...]
    written: tuple[str, ...]  # the alias words as written, apostrophes folded
    prefix: str | None  # for a trailing *, the start the last word must have


def _rule(word: str) -> int:
    letters = [c for c in word if c.isalpha()]
    if not letters:
        return ANY_CASE
    if all(c.isupper() for c in letters) and (len(letters) > 1 or any(c.isdigit() for c in word)):
        return ACRONYM if len(letters) >= 4 else SHORT_ACRONYM
    if word[0].isupper():
        return CAPITALISED
    return ANY_CASE


def _case_ok(rule: int, written: str, raw: str) -> bool:
    if rule == ANY_CASE:
        return True
    if rule == CAPITALISED:
        return raw[:1].isupper()
    raw_base = base(raw.replace("’", "'"))
    if raw_base == written:
        return True
    # Long acronyms are often printed in title case ("Nato", "Covid").
    return rule == ACRONYM and raw_base == written[:1] + written[1:].lower()


def _split_alias(alias: str) -> tuple[list[str], bool]:
    alias = alias.strip()
    prefix = alias.endswith("*")
    return [m.group() for m in WORD_RE.finditer(alias.rstrip("*"))], prefix


class Vocabulary:
    """Aliases of every topic compiled into word-sequence lookups."""

    def __init__(self, topics: Iterable[tuple[int, str, str, str]], ignored: Iterable[str] = ()):
        """``topics`` are (id, name, kind, aliases text) rows; ``ignored`` phrases tag nothing."""
        self.exact: dict[tuple[str, ...], list[_Alias]] = {}
        self.prefixed: dict[tuple[str, ...], list[_Alias]] = {}
        self.first_words: set[str] = set()
        self.first_prefixes: set[str] = set()
        self.kinds: dict[int, str] = {}
        self.max_words = 1
        # The most words of an alias that begins with a given word: how far a match can reach.
        self.longest: dict[str, int] = {}
        # Each word as printed → its folded form (a dictionary lookup beats folding again).
        self._folded: dict[str, str] = {}
        for topic_id, name, kind, aliases in topics:
            self.kinds[topic_id] = kind
            for alias in [name, *str(aliases or "").splitlines()]:
                self._add(topic_id, alias)
        for phrase in ignored:
            self._add(None, phrase)
        self._first_prefix_tuple = tuple(sorted(self.first_prefixes))

    def _add(self, topic_id, alias: str) -> None:
        raw_words, is_prefix = _split_alias(alias)
        if not raw_words:
            return
        written = tuple(base(w.replace("’", "'")) for w in raw_words)
        folded = tuple(base(fold(w)) for w in raw_words)
        entry = _Alias(topic_id, tuple(_rule(w) for w in raw_words), written, folded[-1] if is_prefix else None)
        self.max_words = max(self.max_words, len(folded))
        if not is_prefix or len(folded) > 1:
            self.longest[folded[0]] = max(self.longest.get(folded[0], 1), len(folded))
        if is_prefix:
            self.prefixed.setdefault(folded[:-1], []).append(entry)
            if len(folded) == 1:
                self.first_prefixes.add(folded[0])
            else:
                self.first_words.add(folded[0])
        else:
            self.exact.setdefault(folded, []).append(entry)
            self.first_words.add(folded[0])

    def _matches(self, entry: _Alias, raw: list[str]) -> bool:
        return all(_case_ok(rule, w, r) for rule, w, r in zip(entry.rules, entry.written, raw))

    def topics_in(self, text: str) -> set[int]:
        """Ids of the topics ``text`` names at least once."""
        return {topic_id for topic_id, _start, _end in self.matches(text)}

    def about(self, text: str, headline: frozenset[int] | set[int] = frozenset()) -> list[int]:
        """Ids of the topics ``text`` is about, strongest first, at most ``MAX_TOPICS``.

        ``headline`` holds the topics the transcript's headline names, which need one
        mention fewer: in a briefing headed "… on Ukraine", one sentence on Ukraine is on topic.
        """
        found, words = self._scan(text)
        if not found:
            return []
        mentions: Counter[int] = Counter()
        first: dict[int, int] = {}
        for topic_id, start, _end in found:
            mentions[topic_id] += 1
            first.setdefault(topic_id, start)
        needed = 1 if words <= SHORT_TURN_WORDS else max(MIN_MENTIONS, round(math.sqrt(words / WORDS_PER_STEP)))
        kept = [t for t, n in mentions.items() if n >= (max(1, needed - 1) if t in headline else needed)]
        kept.sort(key=lambda t: (-mentions[t], first[t]))
        return kept[:MAX_TOPICS]

    def matches(self, text: str) -> list[tuple[int, int, int]]:
        """(topic id, start, end) of every alias found in ``text``, in order."""
        return self._scan(text)[0]

    def _scan(self, text: str) -> tuple[list[tuple[int, int, int]], int]:
        """What ``matches`` returns, and the number of words in ``text``."""
        spans = [(m.start(), m.end()) for m in WORD_RE.finditer(text)]
        raws = [text[s:e] for s, e in spans]
        folded = self._folded
        if len(folded) > FOLDED_KEPT:
            folded.clear()
        words = [folded.get(r) or folded.setdefault(r, base(fold(r))) for r in raws]
        found: list[tuple[int, int, int]] = []
        first_words, prefixes, longest = self.first_words, self._first_prefix_tuple, self.longest
        i, n_words = 0, len(words)
        while i < n_words:
            word = words[i]
            if word not in first_words and not (prefixes and word.startswith(prefixes)):
                i += 1
                continue
            match = None
            # Only aliases that begin with this word can be longer than one word.
            for n in range(min(longest.get(word, 1), n_words - i), 0, -1):
                span = words[i : i + n]
                raw = raws[i : i + n]
                for entry in self.exact.get(tuple(span), ()):
                    if self._matches(entry, raw):
                        match = entry
                        break
                if match is None:
                    for entry in self.prefixed.get(tuple(span[:-1]), ()):
                        if span[-1].startswith(entry.prefix) and self._matches(entry, raw):
                            match = entry
                            break
                if match is not None:
                    if match.topic_id is not None:
                        found.append((match.topic_id, spans[i][0], spans[i + n - 1][1]))
                    i += n
                    break
            else:
                i += 1
        return found, n_words

    @classmethod
    def from_database(cls) -> Vocabulary:
        from archive.models import Topic

        rows = list(Topic.objects.order_by("id").values_list("id", "name", "kind", "aliases"))
        return cls(rows, ignored_phrases())


def ignored_phrases() -> list[str]:
    """Phrases from the vocabulary file that look like topics but are not ("New Mexico")."""
    return [p.strip() for p in str(read_vocabulary_file().get(IGNORE_KEY) or "").split(",") if p.strip()]


_CACHE_LOCK = threading.Lock()
_CACHE: dict[str, Vocabulary] = {}


def current_vocabulary() -> Vocabulary:
    """The compiled vocabulary, recompiled only when a topic has changed.

    A database without any topic gets the vocabulary file first, so a fresh archive is
    tagged from its first ingest (``manage.py load_topics`` does the same explicitly).
    """
    from archive.models import Topic

    rows = list(Topic.objects.order_by("id").values_list("id", "name", "kind", "aliases"))
    if not rows:
        load_vocabulary()
        rows = list(Topic.objects.order_by("id").values_list("id", "name", "kind", "aliases"))
    signature = hashlib.blake2b(repr(rows).encode("utf-8"), digest_size=16).hexdigest()
    with _CACHE_LOCK:
        vocabulary = _CACHE.get(signature)
        if vocabulary is None:
            vocabulary = Vocabulary(rows, ignored_phrases())
            _CACHE.clear()
            _CACHE[signature] = vocabulary
    return vocabulary


def tag_turns(turns: Iterable, vocabulary: Vocabulary | None = None) -> int:
    """Set ``Turn.topics`` of these saved turns from the vocabulary; returns the links written.

    Each turn gets the topics its spoken words are about (``Vocabulary.about``; notes such as
    "(Laughter.)" excluded), its transcript's headline helping. Existing topic links of these turns are replaced, except on turns whose topics staff set
    by hand (``Turn.topics_by_hand``), which are left alone. Runs a handful of queries
    whatever the number of turns; call it inside the transaction that wrote them.
    """
    from archive.models import Turn

    turns = [t for t in turns if t.pk is not None and not t.topics_by_hand]
    if not turns:
        return 0
    vocabulary = vocabulary or current_vocabulary()
    through = Turn.topics.through
    headlines = headline_topics(vocabulary, {turn.transcript_id for turn in turns})
    links = []
    for turn in turns:
        topic_ids = vocabulary.about(spoken_text(turn.text, turn.notes), headlines.get(turn.transcript_id, set()))
        links.extend(through(turn_id=turn.pk, topic_id=topic_id) for topic_id in sorted(topic_ids))
    ids = [t.pk for t in turns]
    for start in range(0, len(ids), 500):
        through.objects.filter(turn_id__in=ids[start : start + 500]).delete()
    through.objects.bulk_create(links, batch_size=1000)
    return len(links)


def headline_topics(vocabulary: Vocabulary, transcript_ids: Iterable[int]) -> dict[int, set[int]]:
    """The topics each transcript's headline names, by transcript id (one query)."""
    from archive.models import Transcript

    titles = Transcript.objects.filter(pk__in=list(transcript_ids)).values_list("pk", "title")
    return {pk: vocabulary.topics_in(title) for pk, title in titles}


# -- the vocabulary file ----------------------------------------------------------------------


def read_vocabulary_file(path: Path | str = VOCABULARY_FILE) -> dict:
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def vocabulary_entries(path: Path | str = VOCABULARY_FILE) -> list[dict]:
    """Topics described by the vocabulary file: name, slug, kind and alias lines."""
    data = read_vocabulary_file(path)
    entries = []
    for kind in KINDS:
        for name, aliases in (data.get(kind) or {}).items():
            alias_list = [a.strip() for a in str(aliases or "").split(",") if a.strip()]
            entries.append({"name": str(name), "slug": slugify(str(name)), "kind": kind, "aliases": alias_list})
    return entries


def load_vocabulary(topic_model=None, path: Path | str = VOCABULARY_FILE) -> tuple[int, int]:
    """Create missing topics from the file and add aliases the file has that a topic lacks.

    Aliases staff added in the admin are kept; nothing is deleted. ``topic_model`` lets a
    data migration pass its historical model. Returns (topics created, topics updated).
    """
    if topic_model is None:
        from archive.models import Topic as topic_model
    created = updated = 0
    existing = {t.slug: t for t in topic_model.objects.all()}
    for entry in vocabulary_entries(path):
        topic = existing.get(entry["slug"])
        if topic is None:
            topic_model.objects.create(
                name=entry["name"], slug=entry["slug"], kind=entry["kind"], aliases="\n".join(entry["aliases"])
            )
            created += 1
            continue
        lines = [line.strip() for line in topic.aliases.splitlines() if line.strip()]
        missing = [a for a in entry["aliases"] if a not in lines]
        if missing:
            topic.aliases = "\n".join(lines + missing)
            topic.save(update_fields=["aliases"])
            updated += 1
    return created, updated


def retag_all(vocabulary: Vocabulary | None = None, batch_size: int = 2000) -> tuple[int, set[int]]:
    """Re-apply the vocabulary to every live turn whose topics staff did not set by hand,
    writing only what changed.

    Returns (turns whose topics changed, ids of their transcripts) so the caller can
    re-index just those transcripts.
    """
    from archive.models import Turn

    vocabulary = vocabulary or current_vocabulary()
    through = Turn.topics.through
    changed = 0
    transcripts: set[int] = set()
    headlines: dict[int, set[int]] = {}
    last_id = 0
    while True:
        rows = list(
            Turn.objects.live()
            .filter(pk__gt=last_id, topics_by_hand=False)
            .order_by("pk")
            .values_list("pk", "transcript_id", "text", "notes")[:batch_size]
        )
        if not rows:
            break
        last_id = rows[-1][0]
        headlines.update(headline_topics(vocabulary, {t for _pk, t, _text, _notes in rows} - set(headlines)))
        own = {
            pk: set(vocabulary.about(spoken_text(text, notes), headlines.get(transcript_id, set())))
            for pk, transcript_id, text, notes in rows
        }
        current: dict[int, set[int]] = {pk: set() for pk in own}
        for turn_id, topic_id in through.objects.filter(turn_id__in=list(own)).values_list("turn_id", "topic_id"):
            current[turn_id].add(topic_id)
        stale, links = [], []
        for pk, transcript_id, _text, _notes in rows:
            wanted = own[pk]
            if wanted != current[pk]:
                stale.append(pk)
                links.extend(through(turn_id=pk, topic_id=t) for t in sorted(wanted))
                transcripts.add(transcript_id)
        if stale:
            through.objects.filter(turn_id__in=stale).delete()
            through.objects.bulk_create(links, batch_size=1000)
            changed += len(stale)
    return changed, transcripts
