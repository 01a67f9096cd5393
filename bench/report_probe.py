"""The year report in process: `python -m bench.report_probe [--url URL] [--runs 30]`.

Runs `GET /api/v1/reports/overview?group_by=month` over this calendar year (to today) for all sites (the admin,
`bench-token-<ADMIN_USER_ID>`) on the bench database, and prints p50/p99 and the statements per
request (counted on the engine). With `--explain`, prints the plan of each metric's statement.
"""
import argparse
import os
import statistics
import time
from datetime import timedelta

from sqlalchemy import event

from . import seed as S


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("BENCH_DATABASE_URL", S.DEFAULT_URL))
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--group-by", default="month")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--last-365-days", action="store_true",
                        help="the 365 days to today instead of this calendar year (year-to-date then reads back to 1 January of last year)")
    args = parser.parse_args()
    from backend import localtime
    from backend.extensions import db
    from miniprogram_api import create_app
    app = create_app({"APP_ENV": "bench", "SQLALCHEMY_DATABASE_URI": args.url, "LOG_LEVEL": "WARNING"})
    with app.app_context():
        today = localtime.today()
        statements: list[str] = []
        event.listen(db.engine, "before_cursor_execute",
                     lambda conn, cur, stmt, params, ctx, many: statements.append(stmt))
    first = today - timedelta(days=364) if args.last_365_days else today.replace(month=1, day=1)
    query = {"from": first.isoformat(), "to": today.isoformat(), "group_by": args.group_by}
    headers = {"Authorization": f"Bearer {S.token_for(S.ADMIN_USER_ID)}"}
    client = app.test_client()
    times, counts = [], []
    for i in range(args.runs + 3):
        statements.clear()
        t0 = time.perf_counter()
        resp = client.get("/api/v1/reports/overview", query_string=query, headers=headers)
        elapsed = time.perf_counter() - t0
        assert resp.status_code == 200, resp.get_data(as_text=True)[:500]
        if i >= 3:  # warm-up: compiled caches, prepared statements
            times.append(elapsed * 1000)
            counts.append(len(statements))
    times.sort()
    p99 = times[min(len(times) - 1, int(round(len(times) * 0.99)) - 1)]
    print(f"GET /reports/overview?group_by={args.group_by} over {query['from']}..{query['to']}, all sites: "
          f"p50 {statistics.median(times):.1f} ms, p99 {p99:.1f} ms, {counts[-1]} statements, {len(times)} runs")
    body = resp.get_json()
    print("totals:", {k: v for k, v in body["totals"].items() if v})
    if args.explain:
        explain(app, query)


def explain(app, query) -> None:
    """EXPLAIN (ANALYZE) of each metric's grouped statement, as the report runs it."""
    from sqlalchemy import text

    from backend.extensions import db
    from backend.identity.models import User
    from backend.reports import query as Q
    from backend.reports.metrics import families
    from backend.reports.overview import default_period, scope_for
    from datetime import date
    with app.app_context():
        admin = db.session.get(User, S.ADMIN_USER_ID)
        first, last = default_period(date.fromisoformat(query["from"]), date.fromisoformat(query["to"]))
        scope = scope_for(admin)
        spans = Q.buckets(first, last)
        for family in families():
            captured = []
            orig = db.session.execute

            def grab(stmt, *a, **kw):
                captured.append(stmt)
                return orig(stmt, *a, **kw)
            db.session.execute = grab
            try:
                Q.grouped(family, scope, "month", first, last, spans)
            finally:
                db.session.execute = orig
            compiled = captured[0].compile(db.engine, compile_kwargs={"literal_binds": True})
            plan = db.session.execute(text("EXPLAIN (ANALYZE, BUFFERS OFF, TIMING OFF, SUMMARY ON) " + str(compiled)))
            lines = [r[0] for r in plan]
            scans = [ln.strip() for ln in lines if "Scan" in ln]
            print(f"\n{', '.join(m.key for m in family)}: {lines[-1].strip()}")
            for ln in scans:
                print("   ", ln)


if __name__ == "__main__":
    main()
