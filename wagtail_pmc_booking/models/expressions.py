"""Database expressions the hot read paths select instead of model fields."""

from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.sql.compiler import SQLCompiler


class EpochSeconds(models.Func):
    """A datetime column as whole seconds since the epoch, computed by the database.

    Listing slots reads thousands of blocked ranges; the rules compute in seconds, and
    turning each stored value into a ``datetime`` first (on SQLite, by parsing its text)
    cost more than the rules themselves. ``ceil`` rounds a sub-second value up, for an
    exclusive end; without it values are rounded down, for a start.
    """

    output_field = models.BigIntegerField()

    def __init__(self, expression: Any, *, ceil: bool = False) -> None:
        self.ceil = ceil
        super().__init__(expression)

    @property
    def convert_value(self) -> Any:
        # The database already returns an int: no per-row Python converter.
        return self._convert_value_noop

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, Any]:
        rounding = "CEIL" if self.ceil else "FLOOR"
        return super().as_sql(
            compiler,
            connection,
            template=f"CAST({rounding}(EXTRACT(EPOCH FROM %(expressions)s)) AS BIGINT)",
        )

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> tuple[str, Any]:
        # SQLite keeps milliseconds: adding just under a second rounds them up.
        shift = ", '+0.999 seconds'" if self.ceil else ""
        # unixepoch() (SQLite 3.38) costs half of strftime(), which older ones need.
        if connection.Database.sqlite_version_info >= (3, 38):
            template = f"unixepoch(%(expressions)s{shift})"
        else:
            template = f"CAST(strftime('%%%%s', %(expressions)s{shift}) AS INTEGER)"
        return super().as_sql(compiler, connection, template=template)
