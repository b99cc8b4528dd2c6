"""Writing an extract's rows in bulk: raw ``INSERT``/``UPDATE`` (Django's bulk_create spends its time compiling SQL).

``Writer`` keeps the database's establishments and organisations in memory (finess → id, digest, open) so that a
re-import writes only the rows whose digest changed. Everything runs inside the importer's transaction.
"""

from __future__ import annotations

from datetime import date

from django.db import connections

from esmsnum.core import clock

from .extract import ExtractError, ReferenceTables, Row, organisation_department
from .models import Category, Establishment, Organisation

# In automatic mode, a "national" file that would close more than this share of the open establishments is refused
# (it is probably a partial file with a national header): use --full to confirm or --partial.
MAX_AUTO_CLOSE_SHARE = 0.2
MAX_AUTO_CLOSE_SILENT = 50  # below this number of closures the guard does not apply

UPDATE_COLUMNS = [
    "organisation_id",
    "name",
    "long_name",
    "address",
    "postcode",
    "commune",
    "department_id",
    "region_id",
    "category_id",
    "public",
    "financeur",
    "medicalised",
    "siret",
    "phone",
    "opened_on",
    "finess_updated_on",
    "geo_x",
    "geo_y",
    "geo_system",
    "search_text",
    "source_digest",
]


def _flatten(rows: list[list]) -> list:
    return [value for row in rows for value in row]


class RawInserter:
    """``INSERT`` of many rows with ``executemany`` (Django's bulk_create spends most of its time compiling SQL).

    Every concrete column but the primary key is written: the given values, ``auto_now``/``auto_now_add`` columns
    set to now, and the others to their model default, so a field added later with a default keeps working.
    """

    def __init__(self, model, connection, provided: list[str]):
        quote = connection.ops.quote_name
        self.provided = provided
        fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        columns = [f.column for f in fields]
        missing = set(provided) - set(columns)
        if missing:
            raise ValueError(f"colonnes inconnues : {sorted(missing)}")
        self.now_columns = [
            f.column
            for f in fields
            if f.column not in provided and (getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False))
        ]
        self.defaults = [
            f.get_db_prep_save(f.get_default(), connection)
            for f in fields
            if f.column not in provided and f.column not in self.now_columns
        ]
        ordered = [*provided, *self.now_columns]
        ordered += [f.column for f in fields if f.column not in ordered]
        self.head = f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(c) for c in ordered)}) VALUES "
        self.row = f"({', '.join(['%s'] * len(ordered))})"
        self.sql = self.head + self.row
        self.connection = connection
        # PostgreSQL: several rows per statement (one round trip per statement even in pipeline mode).
        self.rows_per_statement = 100 if connection.vendor == "postgresql" else 1

    def params(self, values: list, now) -> list:
        return [*values, *([now] * len(self.now_columns)), *self.defaults]

    def execute(self, cursor, rows: list[list]) -> None:
        size = self.rows_per_statement
        if size == 1:
            cursor.executemany(self.sql, rows)
            return
        full = len(rows) - len(rows) % size
        if full:
            sql = self.head + ", ".join([self.row] * size)
            cursor.executemany(sql, [_flatten(rows[i : i + size]) for i in range(0, full, size)])
        if full < len(rows):
            rest = rows[full:]
            cursor.execute(self.head + ", ".join([self.row] * len(rest)), _flatten(rest))


class Writer:
    def __init__(self, ctx: ReferenceTables, result, using: str):
        self.ctx = ctx
        self.using = using
        self.result = result
        self.connection = connections[self.using]
        self.organisations: dict[str, int] = dict(
            Organisation.objects.using(self.using).values_list("finess_ej", "id").iterator(chunk_size=10000)
        )
        # finess_et → (id, digest, is_open)
        self.establishments: dict[str, tuple[int, str, bool]] = {
            finess: (pk, digest, is_open)
            for finess, pk, digest, is_open in Establishment.objects.using(self.using)
            .values_list("finess_et", "id", "source_digest", "is_open")
            .iterator(chunk_size=10000)
        }
        quote = self.connection.ops.quote_name
        table = quote(Establishment._meta.db_table)
        assignments = ", ".join(f"{quote(column)} = %s" for column in [*UPDATE_COLUMNS, "is_open", "closed_on"])
        self.update_sql = f"UPDATE {table} SET {assignments}, {quote('updated_at')} = %s WHERE {quote('id')} = %s"
        self.reopen_sql = (
            f"UPDATE {table} SET {quote('is_open')} = %s, {quote('closed_on')} = NULL, {quote('updated_at')} = %s "
            f"WHERE {quote('id')} = %s"
        )
        self.close_sql_prefix = (
            f"UPDATE {table} SET {quote('is_open')} = %s, {quote('closed_on')} = %s, {quote('updated_at')} = %s "
            f"WHERE {quote('id')} IN "
        )
        self.insert = RawInserter(
            Establishment, self.connection, ["finess_et", *UPDATE_COLUMNS, "is_open", "closed_on"]
        )
        self.insert_organisation = RawInserter(Organisation, self.connection, ["finess_ej", "department_id"])

    def _adapt(self, column: str, value):
        ops = self.connection.ops
        if column in ("opened_on", "finess_updated_on", "closed_on"):
            return ops.adapt_datefield_value(value)
        return value

    def flush(self, rows: list[Row]) -> None:
        if self.ctx.new_categories:
            Category.objects.using(self.using).bulk_create([Category(**vars(new)) for new in self.ctx.new_categories])
            self.result.categories_created += len(self.ctx.new_categories)
            self.ctx.new_categories = []
        self._create_organisations(rows)
        now = self.connection.ops.adapt_datetimefield_value(clock.now())
        creates: list[list] = []
        updates: list[list] = []
        reopens: list[list] = []
        for row in rows:
            organisation_id = self.organisations[row.finess_ej]
            existing = self.establishments.get(row.finess_et)
            if existing is None:
                params = [row.finess_et, organisation_id]
                params += [self._adapt(column, row.values[column]) for column in UPDATE_COLUMNS[1:-1]]
                params += [row.digest, True, None]
                creates.append(self.insert.params(params, now))
                continue
            pk, digest, is_open = existing
            if digest == row.digest:
                if is_open:
                    self.result.unchanged += 1
                else:
                    reopens.append([True, now, pk])
                    self.result.reopened += 1
                continue
            params = [organisation_id]
            params += [self._adapt(column, row.values[column]) for column in UPDATE_COLUMNS[1:-1]]
            params += [row.digest, True, None, now, pk]
            updates.append(params)
            if not is_open:
                self.result.reopened += 1
            else:
                self.result.updated += 1
        with self.connection.cursor() as cursor:
            if creates:
                self.insert.execute(cursor, creates)
                self.result.created += len(creates)
            if updates:
                cursor.executemany(self.update_sql, updates)
            if reopens:
                cursor.executemany(self.reopen_sql, reopens)

    def _create_organisations(self, rows: list[Row]) -> None:
        missing = {}
        for row in rows:
            if row.finess_ej not in self.organisations and row.finess_ej not in missing:
                missing[row.finess_ej] = organisation_department(row.finess_ej, self.ctx.departments)
        if not missing:
            return
        now = self.connection.ops.adapt_datetimefield_value(clock.now())
        with self.connection.cursor() as cursor:
            self.insert_organisation.execute(
                cursor,
                [self.insert_organisation.params([ej, department], now) for ej, department in missing.items()],
            )
        created = Organisation.objects.using(self.using).filter(finess_ej__in=list(missing))
        self.organisations.update(created.values_list("finess_ej", "id"))
        self.result.organisations_created += len(missing)

    def close_missing(self, seen: dict[str, int], closed_on: date, guard: bool) -> None:
        to_close = [pk for finess, (pk, _d, is_open) in self.establishments.items() if is_open and finess not in seen]
        open_count = sum(1 for _pk, _d, is_open in self.establishments.values() if is_open)
        if guard and len(to_close) > max(MAX_AUTO_CLOSE_SILENT, MAX_AUTO_CLOSE_SHARE * open_count):
            raise ExtractError(
                f"ce fichier fermerait {len(to_close)} établissements ouverts sur {open_count} "
                f"(plus de {MAX_AUTO_CLOSE_SHARE * 100:.0f} %) : s'il s'agit bien de l'extraction nationale complète, "
                "relancez avec --full ; sinon avec --partial"
            )
        now = self.connection.ops.adapt_datetimefield_value(clock.now())
        day = self.connection.ops.adapt_datefield_value(closed_on)
        with self.connection.cursor() as cursor:
            for start in range(0, len(to_close), 500):
                chunk = to_close[start : start + 500]
                placeholders = ", ".join(["%s"] * len(chunk))
                cursor.execute(self.close_sql_prefix + f"({placeholders})", [False, day, now, *chunk])
        self.result.closed = len(to_close)
