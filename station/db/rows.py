"""Query results as plain tuples, typed as what they are."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

from peewee import BaseQuery


def tuples(query: BaseQuery) -> Iterator[tuple[Any, ...]]:
    """The rows of `query.tuples()`. peewee's stubs type `.tuples()` as the query itself, whose rows
    would be model instances: wrong for a select of columns and aggregates, which gives tuples."""
    return cast(Iterator[tuple[Any, ...]], iter(query.tuples()))
