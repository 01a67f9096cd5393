"""Drop and create the benchmark database: `python -m bench.recreate_db URL` (connects to `postgres`)."""
import sys

import psycopg
from psycopg import sql

from .seed import pg_url


def recreate(url: str) -> None:
    info = psycopg.conninfo.conninfo_to_dict(pg_url(url))
    name = info.pop("dbname")
    with psycopg.connect(**info, dbname="postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


if __name__ == "__main__":
    recreate(sys.argv[1])
