"""Presenters: turn what the services return into translated tables (headers in the UI
language, money as exact yuan) for the F7 screen, `station report` and workbooks. They read
through the services' report queries and decide no rule; masking is decided by the caller."""
