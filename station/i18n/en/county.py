"""English: county load and report at scale."""

MESSAGES: dict[str, str] = {
    "county.jobs_not_positive": "--jobs {jobs}: give how many folders to load at once, 1 or more",
    "county.db_failed": "The database failed while loading {code} {period} ({detail}): nothing of it was loaded",
    "county.load_process_died": "The process loading {code} {period} stopped before it said how the load went: "
    "run the same load again (what did load is kept and shows as unchanged)",
    "county.not_loaded_after_failure": "{code} {period} was not loaded: an earlier month of {code} failed to load in this batch",
    "county.no_db": "No county database at {path} (check the --db path; `county enrol` and `county load` make it)",
    "county.loaded_accepted": "Loaded {code} {period} (it would have been refused: accepted by --replace, the reason is in the county database)",
    "county.db_unreachable": "Cannot connect to the county's PostgreSQL database: is the server running, "
    "and are the socket folder, user and database name in --db right?",
    "county.changed_while_loading": "File {file} changed after it was verified: nothing of {code} {period} was loaded",
    "county.rows_differ": "File {file} loaded as {loaded} rows but verify read {listed}: nothing of {code} {period} was loaded",
    "county.copy_refused": "PostgreSQL could not read {file} as verify read it ({detail}): nothing of {code} {period} was loaded",
    "county.total_differs": "{file}: the row with id {id} has a {column} other than the sum of its parts: nothing of {code} {period} was loaded",
    "county.missing_id": "{file}: a row has no id (the station writes one on every row): nothing of {code} {period} was loaded",
    "county.duplicate_id": "{file}: two rows have the id {id}: nothing of {code} {period} was loaded",
    "county.key_enrolled_elsewhere": "The key with fingerprint {fingerprint} is already enrolled for {other}: a station's key cannot be enrolled for {code} too (check which station read it out; a code enrolled by mistake: give --reason)",
    "county.not_a_db": "{path} is not a county database (check --db: it names another kind of file)",
    "county.station_db": "{path} is a station's own database: the county keeps its data in a database of its own (check --db)",
}
