"""manage.py ingest: read transcript files into the archive."""

from __future__ import annotations

import datetime
import json
import os
import stat
import sys
from pathlib import Path

import yaml
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from archive.harvest.fetching import FetchError
from archive.harvest.runner import parse_fetched
from archive.ingest.loader import load_transcript
from archive.speakers.attribution import attribute_labels
from archive.ingest.parsing import parse
from archive.ingest.feeds import looks_like_feed, needs_page, parse_item, read_feed
from archive.ingest.html import parse_page
from archive.ingest.reading import FEED_SUFFIXES, HTML_SUFFIXES, decode_transcript, read_bytes, read_transcript
from archive.management.indexing import IndexesStoredTranscripts
from archive.ingest.types import KINDS, ParsedTranscript, Person, TranscriptError

# Files in a folder that are never transcripts.
SIDECAR_SUFFIX = ".meta.yaml"
SKIPPED_NAMES = {".DS_Store", "README", "README.md"}
# Metadata a sidecar file (NAME.meta.yaml beside NAME) or a flag may set.
METADATA_KEYS = ("title", "date", "location", "venue", "kind", "source_url", "source_name", "outlet", "program", "speaker")
PROGRESS_EVERY = 25
# Stored transcripts written to the search index together, during a long ingest.
INDEX_EVERY = 50


class Command(IndexesStoredTranscripts, BaseCommand):
    help = (
        "Parse transcripts and store them. PATH may be a text or Markdown file, an HTML page saved from a "
        "browser, a feed file (RSS, Atom, JSON feed records), a folder (read recursively), an http(s) URL of "
        "a transcript page or feed, or - for standard input. Re-ingesting unchanged input changes nothing; a corrected version of a transcript "
        "(same source URL, or same date and title) updates it in place and keeps every turn's address."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "paths", nargs="+", metavar="PATH", help="Transcript files (text, Markdown, HTML, feeds), folders, URLs, or - for stdin."
        )
        parser.add_argument("--dry-run", action="store_true", help="Parse and report, but write nothing.")
        parser.add_argument(
            "--json", action="store_true", help="Print the parsed transcripts as JSON instead of storing them."
        )
        parser.add_argument("--title", help="Title, when the file has none (or to override it).")
        parser.add_argument("--date", type=_parse_date, help="Date of the event, YYYY-MM-DD.")
        parser.add_argument("--source-url", help="Address of the original publication.")
        parser.add_argument("--source-name", help='Publisher, e.g. "U.S. Department of State".')
        parser.add_argument("--kind", choices=KINDS, help="Kind of event.")
        parser.add_argument("--location", help='Place, e.g. "Athens, Greece".')
        parser.add_argument("--venue", help='Building or setting, e.g. "Oval Office".')
        parser.add_argument("--outlet", help='News organisation of an interview, e.g. "CNN".')
        parser.add_argument("--program", help='Programme of an interview, e.g. "State of the Union".')
        parser.add_argument(
            "--speaker", help="Who speaks in text that has no speaker labels (prepared remarks, a readout)."
        )

    def handle(self, *args, **options):
        self.verbosity = options["verbosity"]
        self._fetcher = None
        flags = {key: options.get(key) for key in METADATA_KEYS if options.get(key) is not None}
        sources, unreadable = self._collect(options["paths"])
        failures = list(unreadable)
        for path, reason in failures:
            self.stderr.write(f"{path}: {reason}")
        if not sources and not failures:
            raise CommandError(
                f"no transcript files found in {', '.join(options['paths'])} "
                "(text, Markdown, HTML or feed files; hidden files and *.meta.yaml are skipped)"
            )
        storing = not (options["json"] or options["dry_run"])
        if storing:
            # What an interrupted run stored but never indexed becomes searchable first.
            self.index_waiting()
            if len(sources) > INDEX_EVERY:
                self.index_in_background()
        try:
            self._ingest(sources, unreadable, failures, flags, options)
        except BaseException:
            self.stop_indexing()
            raise

    def _ingest(self, sources, unreadable, failures, flags, options):
        """Read, store and index every input, then print the summary."""
        parsed_items = []
        outcomes = {"created": 0, "updated": 0, "unchanged": 0}
        turn_total = 0
        touched_ids = []
        show_progress = len(sources) >= PROGRESS_EVERY and self.verbosity >= 1
        processed = 0
        for index, source in enumerate(sources, start=1):
            for name, unit in self._units(source, flags):
                processed += 1
                try:
                    parsed, raw_text, encoding = unit()
                    if options["json"]:
                        parsed_items.append(parsed)
                        continue
                    if options["dry_run"]:
                        turn_total += len(parsed.turns)
                        self._say(f"{name}: would store “{parsed.title}” ({len(parsed.turns)} turns)"
                                  + _encoding_note(encoding))
                        for warning in parsed.warnings:
                            self._say(f"{name}: note: {warning}", level=2)
                        continue
                    result = self._store(parsed, raw_text, flags)
                except (TranscriptError, FetchError) as error:
                    # Errors from reading the file already begin with its name.
                    message = str(error) if str(error).startswith(f"{name}: ") else f"{name}: {error}"
                    failures.append((name, message))
                    self.stderr.write(message)
                    continue
                except DatabaseError as error:
                    # A full disk or a database that went away: this file's transaction was
                    # rolled back, and every file after it would fail the same way.
                    failures.append((name, str(error)))
                    self.stderr.write(f"{name}: not stored, the database cannot be written: {error}")
                    # What was stored before stays listed for the index; the next run writes it.
                    raise CommandError(
                        f"stopped after {processed} of {len(sources)} inputs: the database cannot be written "
                        f"({error}). Nothing of {name} was stored; run the same ingest again once it can."
                    ) from None
                outcomes[result.status] += 1
                turn_total += result.turns
                if result.status != "unchanged":
                    touched_ids.append(result.transcript.pk)
                    if len(touched_ids) >= INDEX_EVERY:
                        # A long ingest becomes searchable as it goes, not only at its end.
                        self.index_stored(touched_ids)
                        touched_ids = []
                self._say(f"{name}: {_describe(result)}" + _encoding_note(encoding),
                          level=1 if not show_progress else 2)
            if show_progress and index % PROGRESS_EVERY == 0:
                self._say(f"… {index} of {len(sources)} files read")
        if self._fetcher is not None:
            self._fetcher.close()

        if options["json"]:
            self.stdout.write(json.dumps([_as_json(p) for p in parsed_items], ensure_ascii=False, indent=2))
        else:
            if touched_ids:
                self.index_stored(touched_ids)
            self.finish_indexing()
            self._say(_summary(options["dry_run"], processed - (len(failures) - len(unreadable)), turn_total,
                               outcomes, len(failures)))
        if failures:
            raise CommandError(f"{len(failures)} of {processed + len(unreadable)} inputs failed", returncode=1)

    # Steps ---------------------------------------------------------------------------------

    def _collect(self, paths):
        """Expand folders (recursively, in name order) and keep '-' for stdin; each file once.

        Returns the files to read and (path, reason) for every path that cannot be read: a
        missing path, a broken link, a FIFO or device. Hidden files, sidecars and READMEs in a
        folder are skipped on purpose; nothing else is skipped without a word.
        """
        sources, unreadable, seen = [], [], set()

        def add(path: Path):
            key = path.resolve()
            if key not in seen:
                seen.add(key)
                sources.append(path)

        for raw in paths:
            if raw == "-" or _is_url(raw):
                if raw not in seen:
                    seen.add(raw)
                    sources.append(raw)
                continue
            path = Path(raw)
            if path.is_dir():
                for p in sorted(path.rglob("*")):
                    if p.name.startswith(".") or p.name in SKIPPED_NAMES or p.name.endswith(SIDECAR_SUFFIX):
                        continue
                    if p.is_dir():
                        continue
                    reason = _not_readable(p)
                    if reason:
                        unreadable.append((str(p), reason))
                    else:
                        add(p)
            elif path.is_symlink() and not path.exists():
                unreadable.append((raw, "broken link: the file it points to does not exist"))
            elif not path.exists():
                unreadable.append((raw, "no such file or folder"))
            elif reason := _not_readable(path):
                unreadable.append((raw, reason))
            else:
                add(path)
        return sources, unreadable

    def _units(self, source, flags):
        """The transcripts one input holds, as ``(name, unit)``; calling ``unit`` parses one.

        A text, Markdown or HTML file or page holds one; a feed holds one per item.
        """
        if source == "-":
            yield "<stdin>", lambda: self._parse_text(source, flags)
            return
        if _is_url(source):
            try:
                response = self._fetch(source)
            except FetchError as error:
                yield source, _raise(error)
                return
            if looks_like_feed(response.content, response.content_type):
                yield from self._feed_units(response.content, source, flags)
            else:
                yield source, lambda: self._finish(*parse_fetched(response, name=source), "utf-8", {}, flags)
            return
        name = str(source)
        suffix = source.suffix.lower()
        if suffix in HTML_SUFFIXES:
            yield name, lambda: self._finish(*parse_page(read_bytes(source), name=name), "utf-8",
                                             _read_sidecar(source), flags)
        elif suffix in FEED_SUFFIXES:
            try:
                data = read_bytes(source)
            except TranscriptError as error:
                yield name, _raise(error)
                return
            yield from self._feed_units(data, name, flags)
        else:
            yield name, lambda: self._parse_text(source, flags)

    def _feed_units(self, data, name, flags):
        try:
            feed = read_feed(data, name=name)
        except TranscriptError as error:
            yield name, _raise(error)
            return
        for position, item in enumerate(feed.items, start=1):
            label = item.link or f"{name} item {position}"

            def unit(item=item, label=label):
                if needs_page(item):
                    parsed, text = parse_fetched(self._fetch(item.link), name=item.link)
                    parsed.date = parsed.date or item.date
                else:
                    parsed, text = parse_item(item, name=label)
                parsed.source_name = parsed.source_name or feed.title
                return self._finish(parsed, text, "utf-8", {}, flags)

            yield label, unit

    def _fetch(self, url):
        from archive.harvest.fetching import Fetcher

        if self._fetcher is None:
            self._fetcher = Fetcher()
        return self._fetcher.get(url)

    def _finish(self, parsed, text, encoding, sidecar, flags):
        _apply_metadata(parsed, {**sidecar, **flags})
        return parsed, text, encoding

    def _parse_text(self, source, flags) -> tuple[ParsedTranscript, str, str]:
        if source == "-":
            text, encoding = decode_transcript(sys.stdin.buffer.read(), "<stdin>")
            filename, sidecar = "", {}
        else:
            text, encoding = read_transcript(source)
            filename, sidecar = source.name, _read_sidecar(source)
        parsed = parse(text, filename=filename)
        _apply_metadata(parsed, {**sidecar, **flags})
        if not parsed.title and filename:
            parsed.title = _title_from_filename(filename)
            parsed.warnings.append("title taken from the file name")
        return parsed, text, encoding

    def _store(self, parsed, raw_text, flags):
        return load_transcript(parsed, raw_text)

    def _say(self, message, level=1):
        if self.verbosity >= level:
            self.stdout.write(message)


# Helpers -----------------------------------------------------------------------------------


def _not_readable(path: Path) -> str:
    """Why ``path`` cannot be read as a transcript file, or "" when it can."""
    if path.is_symlink() and not path.exists():
        return "broken link: the file it points to does not exist"
    mode = path.stat().st_mode
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO), not a file; not read"
    if not stat.S_ISREG(mode):
        return "not a regular file (a device or socket); not read"
    if not os.access(path, os.R_OK):
        return "permission denied"
    return ""


def _is_url(value: str) -> bool:
    return isinstance(value, str) and value.lower().startswith(("http://", "https://"))


def _raise(error):
    def unit():
        raise error
    return unit


def _parse_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--date must be YYYY-MM-DD, not {value!r}") from None


def _read_sidecar(path: Path) -> dict:
    sidecar = path.with_name(path.name + SIDECAR_SUFFIX)
    if not sidecar.exists():
        return {}
    try:
        data = yaml.safe_load(sidecar.read_text(encoding="utf-8")) or {}
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise TranscriptError(f"metadata file {sidecar.name} is not valid YAML ({error.__class__.__name__})")
    if not isinstance(data, dict):
        raise TranscriptError(f"metadata file {sidecar.name} must be a mapping of field: value")
    unknown = set(data) - set(METADATA_KEYS)
    if unknown:
        raise TranscriptError(f"metadata file {sidecar.name} has unknown fields: {', '.join(sorted(unknown))}")
    if "date" in data and isinstance(data["date"], str):
        try:
            data["date"] = datetime.date.fromisoformat(data["date"])
        except ValueError:
            raise TranscriptError(f"metadata file {sidecar.name}: date must be YYYY-MM-DD") from None
    if "kind" in data and data["kind"] not in KINDS:
        raise TranscriptError(f"metadata file {sidecar.name}: kind must be one of {', '.join(KINDS)}")
    return data


def _apply_metadata(parsed: ParsedTranscript, values: dict) -> None:
    for key, value in values.items():
        if key == "speaker":
            parsed.speakers[""] = Person(str(value))
        elif key == "date":
            # A date from call_command() or YAML may still be a string.
            parsed.date = value if isinstance(value, datetime.date) else _parse_date(str(value))
            parsed.warnings = [w for w in parsed.warnings if "date" not in w]
        else:
            setattr(parsed, key, str(value))


def _title_from_filename(filename: str) -> str:
    stem = filename.split(".")[0]
    return stem.replace("_", " ").replace("-", " ").strip().capitalize() or "Untitled transcript"


def _encoding_note(encoding: str) -> str:
    return "" if encoding.lower().replace("-", "").startswith("utf8") else f" (read as {encoding})"


def _describe(result) -> str:
    link = result.transcript.get_absolute_url()
    if result.superseded:
        return f"unchanged: another version of this source (same address) was ingested after this one and is kept → {link}"
    if result.status == "unchanged":
        return f"unchanged, {result.turns} turns → {link}"
    if result.status == "created":
        return f"created “{result.transcript.title}”, {result.turns} turns → {link}"
    parts = [f"{result.added} added", f"{result.changed} corrected", f"{result.withdrawn} removed"]
    return f"updated “{result.transcript.title}”, {result.turns} turns ({', '.join(parts)}) → {link}"


def _summary(dry_run: bool, processed: int, turns: int, outcomes: dict, failed: int) -> str:
    verb = "Parsed" if dry_run else "Ingested"
    line = f"{verb} {processed:,} transcript{'s' if processed != 1 else ''} ({turns:,} turns)"
    if not dry_run:
        line += f": {outcomes['created']} created, {outcomes['updated']} updated, {outcomes['unchanged']} unchanged"
    return line + f", {failed} failed"


def _as_json(parsed: ParsedTranscript) -> dict:
    # Who each label stands for, decided as ingest would from the text and the officeholder
    # list; speakers already stored are not consulted, so the output depends on the file alone.
    attributions = attribute_labels(parsed)
    return {
        "title": parsed.title,
        "date": parsed.date.isoformat() if parsed.date else None,
        "location": parsed.location,
        "venue": parsed.venue,
        "kind": parsed.kind,
        "source_name": parsed.source_name,
        "source_url": parsed.source_url,
        "turns": [
            {
                "position": position,
                "speaker_label": turn.speaker_label,
                "speaker": attributions[turn.speaker_label].name if attributions[turn.speaker_label] else None,
                "text": turn.text,
                "notes": turn.notes,
            }
            for position, turn in enumerate(parsed.turns, start=1)
        ],
        "warnings": parsed.warnings,
    }
