"""Storage: SQLAlchemy models, repositories per aggregate, Alembic migrations.

Use ``Database(url)`` and one ``with db.transaction() as session:`` per unit of work;
the repository modules (``users``, ``sessions``, ``throttle``, ``attempts``, ``cohorts``,
``assignments``, ``review``) take that session. Authorization is not checked here: that
is the service layer's job.
"""

from simulator.store.database import DEFAULT_URL, Database, database_url, make_sql_engine, normalise_url

__all__ = ["DEFAULT_URL", "Database", "database_url", "make_sql_engine", "normalise_url"]
