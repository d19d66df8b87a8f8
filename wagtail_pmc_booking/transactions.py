"""Blocks that may fail and be recovered from, without a transaction they do not need."""

from contextlib import AbstractContextManager, nullcontext

from django.db import connection, transaction


def recoverable() -> AbstractContextManager[object]:
    """A savepoint inside a caller's transaction, so a failed statement can be retried or
    answered there; nothing in autocommit, where a failed statement spoils nothing and a
    lone one needs no BEGIN and COMMIT round trips of its own."""
    if connection.in_atomic_block:
        return transaction.atomic()
    return nullcontext()
