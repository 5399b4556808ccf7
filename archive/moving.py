"""Copy the whole archive from the current database into an empty PostgreSQL database.

Every row keeps its primary key, so every transcript, turn number, speaker and old address
answers the same on the target. The rows are written with ``bulk_create``, which sends no
signals and calls no ``save()``: nothing reaches the search index, and ``KeepsOldSlugs.save``
is not needed because the redirects it would record are rows copied like any other. The
target is written in one transaction, so a failure leaves its tables empty. The source is
read without a lock, so ingest and harvest must be stopped meanwhile: a row they add makes
the counts differ at the end, and the move is undone.

Not copied: sessions (they expire anyway; staff sign in again on the new database) and
django-axes' login attempts and lockouts (they last an hour and belong to the old server).
Content types and permissions are made by ``migrate`` on the target with ids of its own:
the rows that point at them are mapped by natural key instead.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field

import dj_database_url
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.migrations.executor import MigrationExecutor

from archive.models import Transcript

TARGET_ALIAS = "move_target"
CHUNK_SIZE = 2000
POSTGRES_ENGINE = "django.db.backends.postgresql"
EXAMPLE_URL = "postgres://user@host:5432/name"
SKIPPED_APPS = {"sessions", "axes"}
# Made by migrate on the target; what points at them is mapped by natural key.
MAPPED_MODELS = (ContentType, Permission)


class MoveError(Exception):
    """Why the archive was not moved, in one line."""


@dataclass
class TableCopy:
    table: str
    rows: int
    seconds: float


@dataclass
class MoveResult:
    target: str
    tables: list[TableCopy] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(table.rows for table in self.tables)

    @property
    def copy_seconds(self) -> float:
        return sum(table.seconds for table in self.tables)


def move_archive(url: str, *, chunk_size: int = CHUNK_SIZE, progress=lambda line: None) -> MoveResult:
    """Copy every row of the default database into the empty PostgreSQL database at ``url``."""
    config = target_settings(url)
    shown = shown_url(config)
    refuse_unmigrated_source()
    models = models_to_copy()
    started = time.monotonic()
    with target_connection(config) as target:
        reach(target, shown)
        refuse_unless_empty(target, models, shown)
        progress(f"Migrating {shown} …")
        try:
            call_command("migrate", database=target, interactive=False, verbosity=0)
        except DatabaseError as error:
            raise MoveError(f"cannot migrate {shown}: {first_line(error)}") from None
        result = MoveResult(target=shown)
        try:
            with transaction.atomic(using=target):
                remapped = natural_key_maps(DEFAULT_DB_ALIAS, target)
                for model in models:
                    copied = copy_table(model, DEFAULT_DB_ALIAS, target, remapped, chunk_size)
                    result.tables.append(copied)
                    progress(f"  {copied.table:<32} {copied.rows:>9,} rows {copied.seconds:>7.1f} s")
                check_counts(models, DEFAULT_DB_ALIAS, target)
                reset_sequences(models, target)
        except DatabaseError as error:
            # Foreign keys are checked at commit, so a dangling one is reported here.
            raise MoveError(f"{shown} refused the copy: {first_line(error)}; nothing was written") from None
    result.seconds = time.monotonic() - started
    return result


def target_settings(url: str) -> dict:
    # The URL may hold a password: messages show its scheme, or the URL without it.
    try:
        config = dj_database_url.parse(url)
    except (ValueError, dj_database_url.UnknownSchemeError):
        raise MoveError(f"--to is not a database URL; give {EXAMPLE_URL}") from None
    if config["ENGINE"] != POSTGRES_ENGINE:
        raise MoveError(f"--to must be a PostgreSQL URL ({EXAMPLE_URL}), not {url.split(':')[0]}")
    if not config["NAME"]:
        raise MoveError(f"--to names no database: {shown_url(config)}; give {EXAMPLE_URL}")
    return config


def shown_url(config: dict) -> str:
    """The target's address without its password, for messages."""
    user = f"{config['USER']}@" if config["USER"] else ""
    port = f":{config['PORT']}" if config["PORT"] else ""
    return f"postgres://{user}{config['HOST']}{port}/{config['NAME']}"


@contextlib.contextmanager
def target_connection(config: dict):
    """The target as a Django connection alias for as long as the move lasts."""
    # configure_settings fills in what Django expects of every connection (AUTOCOMMIT, TIME_ZONE…).
    connections.settings[TARGET_ALIAS] = connections.configure_settings({DEFAULT_DB_ALIAS: dict(config)})[
        DEFAULT_DB_ALIAS
    ]
    try:
        yield TARGET_ALIAS
    finally:
        connections[TARGET_ALIAS].close()
        del connections[TARGET_ALIAS]
        del connections.settings[TARGET_ALIAS]


def first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def reach(alias: str, shown: str) -> None:
    try:
        connections[alias].ensure_connection()
    except DatabaseError as error:
        raise MoveError(f"cannot reach {shown}: {first_line(error)}") from None


def refuse_unmigrated_source() -> None:
    # The target is migrated to this code's models; a source behind them has other columns.
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        raise MoveError("the current database has unapplied migrations: run manage.py migrate first")


def models_to_copy() -> list:
    """Every stored model (many-to-many tables included), those pointed at before those pointing."""
    models = [
        model
        for config in apps.get_app_configs()
        if config.label not in SKIPPED_APPS
        for model in config.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and model not in MAPPED_MODELS
    ]
    return dependency_order(models)


def dependency_order(models: list) -> list:
    chosen = set(models)
    needs = {
        model: {
            f.related_model for f in model._meta.concrete_fields
            if f.is_relation and f.related_model in chosen and f.related_model is not model
        }
        for model in models
    }
    ordered, placed = [], set()
    while len(ordered) < len(models):
        ready = [m for m in models if m not in placed and needs[m] <= placed]
        if not ready:
            # A cycle: PostgreSQL checks Django's foreign keys at commit, so any order works.
            ready = [m for m in models if m not in placed]
        ordered.extend(ready)
        placed.update(ready)
    return ordered


def refuse_unless_empty(alias: str, models: list, shown: str) -> None:
    """Refuse a target that already holds rows (transcripts first), before touching it."""
    tables = set(connections[alias].introspection.table_names())
    for model in sorted(models, key=lambda m: m is not Transcript):
        if model._meta.db_table in tables and model._base_manager.using(alias).exists():
            what = "transcripts" if model is Transcript else f"rows in {model._meta.db_table}"
            raise MoveError(f"{shown} already holds {what}: move into an empty database")


def natural_key_maps(source: str, target: str) -> dict:
    """Source id → target id of every content type and permission, made on the target if missing."""
    types = {}
    for kind in ContentType.objects.using(source).order_by("pk"):
        made, _ = ContentType.objects.using(target).get_or_create(app_label=kind.app_label, model=kind.model)
        types[kind.pk] = made.pk
    permissions = {}
    for permission in Permission.objects.using(source).order_by("pk"):
        made, _ = Permission.objects.using(target).get_or_create(
            codename=permission.codename,
            content_type_id=types[permission.content_type_id],
            defaults={"name": permission.name},
        )
        permissions[permission.pk] = made.pk
    return {ContentType: types, Permission: permissions}


def copy_table(model, source: str, target: str, remapped: dict, chunk_size: int) -> TableCopy:
    started = time.monotonic()
    mapped_fields = [
        (f.attname, remapped[f.related_model])
        for f in model._meta.concrete_fields
        if f.is_relation and f.related_model in remapped
    ]
    rows = model._base_manager.using(source).order_by("pk").iterator(chunk_size=chunk_size)
    written = 0
    with stored_timestamps_kept(model):
        batch = []
        for row in rows:
            for attname, ids in mapped_fields:
                value = getattr(row, attname)
                if value is not None:
                    setattr(row, attname, ids[value])
            batch.append(row)
            if len(batch) >= chunk_size:
                written += write_batch(model, batch, target)
                batch = []
        if batch:
            written += write_batch(model, batch, target)
    return TableCopy(model._meta.db_table, written, time.monotonic() - started)


def write_batch(model, batch: list, target: str) -> int:
    try:
        return len(model._base_manager.using(target).bulk_create(batch))
    except DatabaseError as error:
        raise MoveError(
            f"{model._meta.db_table}: {first_line(error)}{too_long(model, batch)}; nothing was written"
        ) from None


def too_long(model, batch: list) -> str:
    """Name a row whose text exceeds its column: SQLite stores it, PostgreSQL refuses it."""
    for row in batch:
        for f in model._meta.concrete_fields:
            value = getattr(row, f.attname)
            if f.max_length and isinstance(value, str) and len(value) > f.max_length:
                return (
                    f" (id {row.pk}: {f.name} has {len(value)} characters, at most {f.max_length} fit;"
                    " shorten it and move again)"
                )
    return ""


@contextlib.contextmanager
def stored_timestamps_kept(model):
    """bulk_create stamps auto_now and auto_now_add fields with the present: keep the stored times.

    The flags are the field's, shared by the whole process; a command runs alone, and they
    are put back whatever happens.
    """
    stamped = [
        (f, f.auto_now, f.auto_now_add)
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    for f, _, _ in stamped:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in stamped:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def check_counts(models: list, source: str, target: str) -> None:
    for model in models:
        there = model._base_manager.using(source).count()
        here = model._base_manager.using(target).count()
        if there != here:
            # Raised inside the transaction: the target is left empty.
            raise MoveError(
                f"{model._meta.db_table}: {there:,} rows in the current database, {here:,} copied "
                "(did an ingest run meanwhile?); nothing was written"
            )


def reset_sequences(models: list, target: str) -> None:
    """Rows were written with their ids, which leaves the sequences at 1: move them past the copied ids."""
    connection = connections[target]
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)
