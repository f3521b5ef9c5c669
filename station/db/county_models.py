"""The county office's database (SQLite or PostgreSQL): enrolled stations, loaded months,
their utility bills (as recomputed), postings (for receipt checks), flags and replacements."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    Database,
    DatabaseError,
    DatabaseProxy,
    DateTimeField,
    IntegerField,
    Model,
    OperationalError,
    PostgresqlDatabase,
    SqliteDatabase,
    TextField,
)

from station.domain.errors import InvalidInput

county_db = DatabaseProxy()


class CountyModel(Model):
    id = AutoField()  # what peewee adds when none is declared, spelt out for the type checker

    class Meta:
        database = county_db
        legacy_table_names = False


class CountyStation(CountyModel):
    """A station the county knows: its code and the public key its exports must be signed with."""

    code = CharField(unique=True)
    public_key = CharField()
    enrolled_at = DateTimeField()
    note = TextField(default="")


class CountyLoad(CountyModel):
    station_code = CharField()
    station_name = CharField()
    period = CharField()
    loaded_at = DateTimeField()
    manifest_sha256 = CharField()
    opening_hash = CharField(default="")  # the ledger chain's hash before the month
    closing_hash = CharField(default="")  # ... and after it: the next month must start here
    parcels = IntegerField()
    parcels_picked_up = IntegerField()
    purchases = IntegerField()
    purchases_fen = IntegerField()
    consignment_sales_fen = IntegerField()
    commission_fen = IntegerField()
    utility_billed_fen = IntegerField()
    utility_payable_fen = IntegerField(default=0)
    utility_cap_fen = IntegerField()
    utility_excess_fen = IntegerField()
    over_cap = BooleanField()
    cash_diff_fen = IntegerField()
    complaints_open = IntegerField()
    flags = IntegerField(default=0)
    parcel_income_fen = IntegerField(default=0)  # couriers' delivery fees + sending commission
    courier_balance_fen = IntegerField(default=0)  # couriers owe the station (negative: it owes them)

    class Meta:
        indexes = ((("station_code", "period"), True), (("period", "station_code"), False))  # loads; report


class CountyUtility(CountyModel):
    """One bill as the county recomputed it from the readings and the tariff version."""

    station_code = CharField(index=True)
    period = CharField()  # the export month (when it was recorded)
    bill_period = CharField(default="")
    category = CharField()
    billed_fen = IntegerField()
    cap_fen = IntegerField()
    payable_fen = IntegerField()
    excess_fen = IntegerField()


class CountyPosting(CountyModel):
    """Each loaded posting (txn): its last chained hash and amount, for `check-receipt`."""

    station_code = CharField()
    period = CharField()
    txn = IntegerField()
    hash = CharField()
    amount_fen = IntegerField()
    kind = CharField(default="")
    reversed_by = IntegerField(null=True)

    class Meta:
        indexes = ((("station_code", "hash"), False),)


class CountyFlag(CountyModel):
    """A difference the county found on load (recomputed cap, station tariff vs official)."""

    station_code = CharField(index=True)
    period = CharField()
    key = CharField()
    detail = TextField()  # JSON of the message values


class CountyEvent(CountyModel):
    """What happened to the county database that history must keep: enrolments, replacements."""

    at = DateTimeField()
    station_code = CharField(index=True)
    period = CharField(default="")
    kind = CharField()  # enrol | replace
    reason = TextField(default="")
    detail = TextField(default="")


COUNTY_TABLES = (CountyStation, CountyLoad, CountyUtility, CountyPosting, CountyFlag, CountyEvent)


STATION_TABLES = frozenset({"ledger_entry", "operator", "villager"})  # a station's database has these


def open_county(url: str) -> Database:
    """The county database at `url`, the models bound to it, not yet connected: for a process
    that loads into a county `connect_county` has already made ready."""
    db: Database
    if url.startswith(("postgresql://", "postgres://")):
        parsed = urlparse(url)
        query = {k: v[0] for k, v in parse_qs(parsed.query).items()}
        db = PostgresqlDatabase(
            parsed.path.lstrip("/"),
            user=parsed.username,
            password=parsed.password,
            host=query.get("host") or parsed.hostname,
            port=parsed.port,
        )
    else:
        path = url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else url
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        db = SqliteDatabase(path, pragmas={"journal_mode": "wal", "foreign_keys": 1})
    county_db.initialize(db)
    return db


def connect_county(url: str) -> Database:
    """`postgresql://user@/dbname?host=/socket/dir`, `sqlite:///path.db`, or a plain file path:
    connected, refused if it is no county's, with the county's tables made or brought up to date."""
    db = open_county(url)
    try:
        db.connect(reuse_if_open=True)
        tables = set(db.get_tables())
    except DatabaseError as error:
        if isinstance(error, OperationalError):  # unreachable, cannot open: said elsewhere
            raise
        db.close()  # `--db` names a file that is no SQLite database (a CSV, a workbook)
        raise InvalidInput("county.not_a_db", path=url) from None
    if STATION_TABLES <= tables:  # the counter's own database: county tables do not go in there
        db.close()
        raise InvalidInput("county.station_db", path=url)
    db.create_tables(COUNTY_TABLES)
    _add_missing_columns(db)
    return db


def _add_missing_columns(db: Database) -> None:
    """A county database made by an older `station` gains the newer columns (all defaulted)."""
    from playhouse.migrate import SchemaMigrator, migrate

    migrator = SchemaMigrator.from_database(db)
    columns = _columns_of(db, [model._meta.table_name for model in COUNTY_TABLES])
    for model in COUNTY_TABLES:
        table = model._meta.table_name
        missing = [f for f in model._meta.sorted_fields if f.column_name not in columns.get(table, set())]
        if missing:
            with db.atomic():
                migrate(*(migrator.add_column(table, f.column_name, f) for f in missing))


def _columns_of(db: Database, tables: list[str]) -> dict[str, set[str]]:
    """Each table's column names. PostgreSQL: one query (peewee's `get_columns` asks the
    catalogue twice per table, ~7 ms each: most of a connection's set-up)."""
    if isinstance(db, PostgresqlDatabase):
        found: dict[str, set[str]] = {}
        rows = db.execute_sql(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = ANY(%s)",
            (tables,),
        )
        for table, column in rows.fetchall():
            found.setdefault(table, set()).add(column)
        return found
    return {table: {column.name for column in db.get_columns(table)} for table in tables}
