"""rollups sharded: each rollup row split over 8 shards (the visit's id mod 8) against hot-row waits

Revision ID: g1c0ffee0007
Revises: f0c0ffee0006
Create Date: 2026-12-03 18:30:00

Every check-in of a day adds to the same rollup rows (the city's and its district's, by day and
by month): each holds its row lock until the commit's WAL flush, so concurrent check-ins queued
on those rows one flush at a time (about 380 a second here, whatever the app's speed). Each row
is now one of 8 shards (`shard`, part of the key; yizhan_record_visit picks the visit's id mod
8), and readers sum over them as they always summed rows. Existing rows become shard 0.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'g1c0ffee0007'
down_revision = 'f0c0ffee0006'
branch_labels = None
depends_on = None

KEYS = {  # table: its key before the shard
    'visit_day_station': ('day', 'station_id', 'source', 'worker_group'),
    'visit_day_district': ('day', 'district_code', 'source', 'worker_group'),
    'visit_day_service': ('day', 'district_code', 'service', 'source', 'worker_group'),
    'visit_day_workers': ('day', 'scope', 'scope_key'),
    'visit_month_district': ('month', 'district_code', 'source', 'worker_group'),
    'visit_month_workers': ('month', 'scope', 'scope_key'),
}

VALUES = {  # table: the columns summed
    'visit_day_station': ('visits',),
    'visit_day_district': ('visits',),
    'visit_day_service': ('visits',),
    'visit_day_workers': ('new_day', 'new_week', 'new_month', 'new_quarter', 'new_year'),
    'visit_month_district': ('visits',),
    'visit_month_workers': ('new_month', 'new_quarter', 'new_year'),
}

RECORD_VISIT = r"""
CREATE OR REPLACE FUNCTION yizhan_record_visit(p_id bigint) RETURNS void
LANGUAGE plpgsql AS $fn$
-- Count one just-inserted visit row in every rollup (the monthly ones too), in its shard. For a scan, whether it is the worker's first
-- visit of its day / ISO week / month / quarter / year in each scope (the city, the station's
-- district, the station) is read from the worker's nearest other scanned visit on each side
-- within the widest of those periods: if any other visit lies in a period, so does the nearest
-- on that side (a period is an interval). The caller holds the worker's row lock.
DECLARE
  v record;
  d date;
  sh smallint;
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
  -- Every check-in of a day adds to the same few rows (the city's, the district's): spread over
  -- 8 rows each, concurrent check-ins rarely wait on one another's row lock until commit.
  sh := CAST(p_id % 8 AS smallint);

  INSERT INTO visit_day_station AS t (day, station_id, source, worker_group, shard, district_code, visits)
  VALUES (d, v.station_id, v.source, v.worker_group, sh, v.district_code, v.headcount)
  ON CONFLICT (day, station_id, source, worker_group, shard) DO UPDATE SET visits = t.visits + excluded.visits;

  INSERT INTO visit_day_district AS t (day, district_code, source, worker_group, shard, visits)
  VALUES (d, v.district_code, v.source, v.worker_group, sh, v.headcount)
  ON CONFLICT (day, district_code, source, worker_group, shard) DO UPDATE SET visits = t.visits + excluded.visits;

  INSERT INTO visit_month_district AS t (month, district_code, source, worker_group, shard, visits)
  VALUES (CAST(date_trunc('month', CAST(d AS timestamp)) AS date), v.district_code, v.source, v.worker_group, sh, v.headcount)
  ON CONFLICT (month, district_code, source, worker_group, shard) DO UPDATE SET visits = t.visits + excluded.visits;

  INSERT INTO visit_day_service AS t (day, district_code, service, source, worker_group, shard, visits)
  SELECT d, v.district_code, sv.service, v.source, v.worker_group, sh, v.headcount
    FROM (SELECT DISTINCT jsonb_array_elements_text(COALESCE(v.services, '[]'::jsonb)) AS service) sv
  ON CONFLICT (day, district_code, service, source, worker_group, shard) DO UPDATE SET visits = t.visits + excluded.visits;

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
    INSERT INTO visit_day_workers AS t (day, scope, scope_key, shard, district_code, new_day, new_week, new_month, new_quarter, new_year)
    VALUES (d, scope_names[i], scope_keys[i], sh, CASE WHEN i = 1 THEN '' ELSE v.district_code END,
            flags[1], flags[2], flags[3], flags[4], flags[5])
    ON CONFLICT (day, scope, scope_key, shard) DO UPDATE SET
      new_day = t.new_day + excluded.new_day, new_week = t.new_week + excluded.new_week,
      new_month = t.new_month + excluded.new_month, new_quarter = t.new_quarter + excluded.new_quarter,
      new_year = t.new_year + excluded.new_year;
    CONTINUE WHEN i = 3;  -- stations: by day only
    INSERT INTO visit_month_workers AS t (month, scope, scope_key, shard, district_code, new_month, new_quarter, new_year)
    VALUES (CAST(date_trunc('month', CAST(d AS timestamp)) AS date), scope_names[i], scope_keys[i], sh,
            CASE WHEN i = 1 THEN '' ELSE v.district_code END, flags[3], flags[4], flags[5])
    ON CONFLICT (month, scope, scope_key, shard) DO UPDATE SET
      new_month = t.new_month + excluded.new_month, new_quarter = t.new_quarter + excluded.new_quarter,
      new_year = t.new_year + excluded.new_year;
  END LOOP;
END
$fn$;
"""


def upgrade():
    for table, keys in KEYS.items():
        op.execute(f"ALTER TABLE {table} ADD COLUMN shard smallint NOT NULL DEFAULT 0")
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT pk_{table}")
        op.execute(f"ALTER TABLE {table} ADD CONSTRAINT pk_{table} PRIMARY KEY ({', '.join(keys)}, shard)")
    op.execute(RECORD_VISIT)


def downgrade():
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location("f0c0ffee0006", Path(__file__).with_name("f0c0ffee0006_monthly_rollups.py"))
    previous = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(previous)
    for table, keys in KEYS.items():
        # The shards folded into one row each, then the column dropped.
        values = VALUES[table]
        group = ", ".join(keys) + (", district_code" if "district_code" not in keys else "")
        op.execute(
            f"CREATE TEMP TABLE folded AS SELECT {group}, {', '.join(f'SUM({c}) AS {c}' for c in values)} FROM {table} GROUP BY {group}"
        )
        op.execute(f"DELETE FROM {table}")
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT pk_{table}")
        op.execute(f"ALTER TABLE {table} DROP COLUMN shard")
        op.execute(f"INSERT INTO {table} ({group}, {', '.join(values)}) SELECT * FROM folded")
        op.execute("DROP TABLE folded")
        op.execute(f"ALTER TABLE {table} ADD CONSTRAINT pk_{table} PRIMARY KEY ({', '.join(keys)})")
    op.execute(previous.RECORD_VISIT)
