"""reports by month, quarter and year read monthly rollups: visit_month_district, visit_month_workers

Revision ID: f0c0ffee0006
Revises: e9c0ffee0005
Create Date: 2026-12-03 18:20:00

visit_day_district and the city and district rows of visit_day_workers, summed by calendar month
(app/models/rollup.py): a report over whole months reads about 30 times fewer rows. Filled here
from the day tables (a kept database upgrades in place); yizhan_record_visit now keeps them
current with the others.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f0c0ffee0006'
down_revision = 'e9c0ffee0005'
branch_labels = None
depends_on = None

RECORD_VISIT = r"""
CREATE OR REPLACE FUNCTION yizhan_record_visit(p_id bigint) RETURNS void
LANGUAGE plpgsql AS $fn$
-- Count one just-inserted visit row in every rollup (the monthly ones too, since f0c0ffee0006). For a scan, whether it is the worker's first
-- visit of its day / ISO week / month / quarter / year in each scope (the city, the station's
-- district, the station) is read from the worker's nearest other scanned visit on each side
-- within the widest of those periods: if any other visit lies in a period, so does the nearest
-- on that side (a period is an interval). The caller holds the worker's row lock.
DECLARE
  v record;
  d date;
  lo timestamptz;
  hi timestamptz;
  near timestamptz[];
  flags int[];
  scope_names text[] := ARRAY['city', 'district', 'station'];
  scope_keys text[];
  periods text[] := ARRAY['day', 'week', 'month', 'quarter', 'year'];
  steps interval[] := ARRAY[interval '1 day', interval '7 days', interval '1 month', interval '3 months', interval '1 year'];
  i int;
  p int;
  ps date;
  pe date;
  b date;
  a date;
BEGIN
  SELECT c.id, c.station_id, c.worker_id, c.source, c.checked_in_at, c.services, c.headcount,
         COALESCE(c.worker_group, '') AS worker_group, s.district_code
    INTO v FROM checkins c JOIN stations s ON s.id = c.station_id WHERE c.id = p_id;
  d := CAST((v.checked_in_at AT TIME ZONE 'Asia/Shanghai') AS date);

  INSERT INTO visit_day_station AS t (day, station_id, source, worker_group, district_code, visits)
  VALUES (d, v.station_id, v.source, v.worker_group, v.district_code, v.headcount)
  ON CONFLICT (day, station_id, source, worker_group) DO UPDATE SET visits = t.visits + excluded.visits;

  INSERT INTO visit_day_district AS t (day, district_code, source, worker_group, visits)
  VALUES (d, v.district_code, v.source, v.worker_group, v.headcount)
  ON CONFLICT (day, district_code, source, worker_group) DO UPDATE SET visits = t.visits + excluded.visits;

  INSERT INTO visit_month_district AS t (month, district_code, source, worker_group, visits)
  VALUES (CAST(date_trunc('month', CAST(d AS timestamp)) AS date), v.district_code, v.source, v.worker_group, v.headcount)
  ON CONFLICT (month, district_code, source, worker_group) DO UPDATE SET visits = t.visits + excluded.visits;

  INSERT INTO visit_day_service AS t (day, district_code, service, source, worker_group, visits)
  SELECT d, v.district_code, sv.service, v.source, v.worker_group, v.headcount
    FROM (SELECT DISTINCT jsonb_array_elements_text(COALESCE(v.services, '[]'::jsonb)) AS service) sv
  ON CONFLICT (day, district_code, service, source, worker_group) DO UPDATE SET visits = t.visits + excluded.visits;

  IF v.source <> 'scan' OR v.worker_id IS NULL THEN
    RETURN;
  END IF;

  lo := CAST(LEAST(date_trunc('week', CAST(d AS timestamp)), date_trunc('year', CAST(d AS timestamp))) AS timestamp) AT TIME ZONE 'Asia/Shanghai';
  hi := CAST(GREATEST(date_trunc('week', CAST(d AS timestamp)) + interval '7 days', date_trunc('year', CAST(d AS timestamp)) + interval '1 year') AS timestamp)
        AT TIME ZONE 'Asia/Shanghai';
  SELECT ARRAY[
    (SELECT max(c.checked_in_at) FROM checkins c WHERE c.worker_id = v.worker_id AND c.id <> v.id AND c.source = 'scan'
       AND c.checked_in_at >= lo AND c.checked_in_at < hi AND c.checked_in_at <= v.checked_in_at),
    (SELECT min(c.checked_in_at) FROM checkins c WHERE c.worker_id = v.worker_id AND c.id <> v.id AND c.source = 'scan'
       AND c.checked_in_at >= lo AND c.checked_in_at < hi AND c.checked_in_at > v.checked_in_at),
    (SELECT max(c.checked_in_at) FROM checkins c WHERE c.worker_id = v.worker_id AND c.id <> v.id AND c.source = 'scan'
       AND c.checked_in_at >= lo AND c.checked_in_at < hi AND c.checked_in_at <= v.checked_in_at
       AND c.station_id IN (SELECT id FROM stations WHERE district_code = v.district_code)),
    (SELECT min(c.checked_in_at) FROM checkins c WHERE c.worker_id = v.worker_id AND c.id <> v.id AND c.source = 'scan'
       AND c.checked_in_at >= lo AND c.checked_in_at < hi AND c.checked_in_at > v.checked_in_at
       AND c.station_id IN (SELECT id FROM stations WHERE district_code = v.district_code)),
    (SELECT max(c.checked_in_at) FROM checkins c WHERE c.worker_id = v.worker_id AND c.id <> v.id AND c.source = 'scan'
       AND c.checked_in_at >= lo AND c.checked_in_at < hi AND c.checked_in_at <= v.checked_in_at AND c.station_id = v.station_id),
    (SELECT min(c.checked_in_at) FROM checkins c WHERE c.worker_id = v.worker_id AND c.id <> v.id AND c.source = 'scan'
       AND c.checked_in_at >= lo AND c.checked_in_at < hi AND c.checked_in_at > v.checked_in_at AND c.station_id = v.station_id)
  ] INTO near;

  scope_keys := ARRAY['', v.district_code, CAST(v.station_id AS text)];
  FOR i IN 1..3 LOOP
    b := CAST((near[2 * i - 1] AT TIME ZONE 'Asia/Shanghai') AS date);
    a := CAST((near[2 * i] AT TIME ZONE 'Asia/Shanghai') AS date);
    flags := ARRAY[]::int[];
    FOR p IN 1..5 LOOP
      ps := CAST(date_trunc(periods[p], CAST(d AS timestamp)) AS date);
      pe := CAST(ps + steps[p] AS date);
      flags := flags || CASE WHEN (b >= ps AND b < pe) OR (a >= ps AND a < pe) THEN 0 ELSE 1 END;
    END LOOP;
    CONTINUE WHEN flags[1] = 0;  -- not the first of its day here: not the first of anything longer
    INSERT INTO visit_day_workers AS t (day, scope, scope_key, district_code, new_day, new_week, new_month, new_quarter, new_year)
    VALUES (d, scope_names[i], scope_keys[i], CASE WHEN i = 1 THEN '' ELSE v.district_code END,
            flags[1], flags[2], flags[3], flags[4], flags[5])
    ON CONFLICT (day, scope, scope_key) DO UPDATE SET
      new_day = t.new_day + excluded.new_day, new_week = t.new_week + excluded.new_week,
      new_month = t.new_month + excluded.new_month, new_quarter = t.new_quarter + excluded.new_quarter,
      new_year = t.new_year + excluded.new_year;
    CONTINUE WHEN i = 3;  -- stations: by day only
    INSERT INTO visit_month_workers AS t (month, scope, scope_key, district_code, new_month, new_quarter, new_year)
    VALUES (CAST(date_trunc('month', CAST(d AS timestamp)) AS date), scope_names[i], scope_keys[i],
            CASE WHEN i = 1 THEN '' ELSE v.district_code END, flags[3], flags[4], flags[5])
    ON CONFLICT (month, scope, scope_key) DO UPDATE SET
      new_month = t.new_month + excluded.new_month, new_quarter = t.new_quarter + excluded.new_quarter,
      new_year = t.new_year + excluded.new_year;
  END LOOP;
END
$fn$;
"""

FILL = (
    "INSERT INTO visit_month_district (month, district_code, source, worker_group, visits)"
    " SELECT CAST(date_trunc('month', CAST(day AS timestamp)) AS date), district_code, source, worker_group, sum(visits)"
    " FROM visit_day_district GROUP BY 1, 2, 3, 4",
    "INSERT INTO visit_month_workers (month, scope, scope_key, district_code, new_month, new_quarter, new_year)"
    " SELECT CAST(date_trunc('month', CAST(day AS timestamp)) AS date), scope, scope_key, district_code,"
    " sum(new_month), sum(new_quarter), sum(new_year) FROM visit_day_workers WHERE scope IN ('city', 'district')"
    " GROUP BY 1, 2, 3, 4",
)


def upgrade():
    op.create_table('visit_month_district',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('district_code', sa.String(length=8), nullable=False),
    sa.Column('source', sa.String(length=8), nullable=False),
    sa.Column('worker_group', sa.String(length=32), nullable=False),
    sa.Column('visits', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('month', 'district_code', 'source', 'worker_group', name=op.f('pk_visit_month_district'))
    )
    op.create_table('visit_month_workers',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('scope', sa.String(length=8), nullable=False),
    sa.Column('scope_key', sa.String(length=16), nullable=False),
    sa.Column('district_code', sa.String(length=8), nullable=False),
    sa.Column('new_month', sa.Integer(), nullable=False),
    sa.Column('new_quarter', sa.Integer(), nullable=False),
    sa.Column('new_year', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('month', 'scope', 'scope_key', name=op.f('pk_visit_month_workers'))
    )
    for statement in FILL:
        op.execute(statement)
    op.execute(RECORD_VISIT)


def downgrade():
    import importlib.util
    from pathlib import Path

    # yizhan_record_visit as e9c0ffee0005 wrote it (without the monthly tables).
    spec = importlib.util.spec_from_file_location("e9c0ffee0005", Path(__file__).with_name("e9c0ffee0005_check_in_function.py"))
    previous = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(previous)
    op.execute(previous.RECORD_VISIT)
    op.drop_table('visit_month_workers')
    op.drop_table('visit_month_district')
