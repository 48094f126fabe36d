"""check-in in one round trip: yizhan_check_in() and yizhan_record_visit() (PL/pgSQL)

Revision ID: e9c0ffee0005
Revises: d8c0ffee0004
Create Date: 2026-12-03 18:00:00

The check-in's database work as two functions, so a check-in is one statement on a plain
connection (app/services/checkins.py) and every visit (scan, walk-in, correction) is counted in
the rollups by the same code (yizhan_record_visit; app/services/rollups.py documents the tables).
PL/pgSQL takes a fresh snapshot per statement (READ COMMITTED), so what is read after the worker's
row lock includes everything committed before the lock was granted. The instant is always a
parameter (the app's clock), never the server's now().
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e9c0ffee0005'
down_revision = 'd8c0ffee0004'
branch_labels = None
depends_on = None

RECORD_VISIT = r"""
CREATE OR REPLACE FUNCTION yizhan_record_visit(p_id bigint) RETURNS void
LANGUAGE plpgsql AS $fn$
-- Count one just-inserted visit row in every rollup. For a scan, whether it is the worker's first
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
  END LOOP;
END
$fn$;
"""

OPEN_AT = r"""
CREATE OR REPLACE FUNCTION yizhan_open_at(p_hours jsonb, p_at timestamptz) RETURNS boolean
LANGUAGE sql STABLE AS $fn$
-- app/services/opening_hours.is_open_at, for the check-in's one round trip (a test holds them equal).
  SELECT COALESCE(CAST(p_hours ->> 'always_open' AS boolean), false) OR EXISTS (
    SELECT 1
      FROM jsonb_array_elements(COALESCE(p_hours -> 'weekly', '[]'::jsonb)) r,
           LATERAL (SELECT to_char(p_at AT TIME ZONE 'Asia/Shanghai', 'HH24:MI') COLLATE "C" AS hm,
                           CAST(extract(isodow FROM p_at AT TIME ZONE 'Asia/Shanghai') AS int) AS dow) l
     WHERE CAST(r ->> 'weekday' AS int) = l.dow
       AND (r ->> 'open') COLLATE "C" <= l.hm AND l.hm < (r ->> 'close') COLLATE "C")
$fn$;
"""

CHECK_IN = r"""
CREATE OR REPLACE FUNCTION yizhan_check_in(
  p_worker_id bigint, p_code text, p_version int, p_now timestamptz, p_window_s double precision, p_bucket bigint,
  p_services jsonb, p_lat double precision, p_lng double precision, p_geofence_m double precision,
  p_key text, p_hash text
) RETURNS TABLE (
  outcome text, checkin_id bigint, created boolean, checked_in_at timestamptz, services jsonb,
  distance_m double precision, located boolean, station_code text, station_name text, detail jsonb
)
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
-- One check-in (app/services/checkins.py has the rules in words): the idempotency look-up, the
-- station and its sign, status and hours as of p_now, the geofence, the worker's row lock, the
-- visit unless one of this worker here lies within the window, its rollups, the idempotency
-- record. A refusal is an outcome with its detail and writes nothing.
DECLARE
  rec record;
  s record;
  grp text;
  new_id bigint;
  dist double precision;
  h double precision;
  answer_id bigint;
  is_new boolean;
BEGIN
  IF p_key IS NOT NULL THEN
    SELECT r.request_hash, r.checkin_id, r.status_code INTO rec
      FROM idempotency_records r WHERE r.worker_id = p_worker_id AND r.key = p_key;
    IF FOUND THEN
      IF rec.request_hash <> p_hash THEN
        RETURN QUERY SELECT 'idempotency_key_reused', NULL::bigint, NULL::boolean, NULL::timestamptz, NULL::jsonb,
          NULL::double precision, NULL::boolean, NULL::text, NULL::text, NULL::jsonb;
        RETURN;
      END IF;
      RETURN QUERY SELECT 'ok', c.id, rec.status_code = 201, c.checked_in_at, c.services, c.distance_m, c.lat IS NOT NULL,
          CAST(st.code AS text), CAST(st.name AS text), NULL::jsonb
        FROM checkins c JOIN stations st ON st.id = c.station_id WHERE c.id = rec.checkin_id;
      RETURN;
    END IF;
  END IF;

  SELECT st.id, st.code, st.name, st.status, st.sign_version, st.lat, st.lng, st.opening_hours,
         ss.station_state, ss.closed_until, ss.closure_reason
    INTO s FROM stations st LEFT JOIN station_statuses ss ON ss.station_id = st.id WHERE st.code = p_code;
  IF NOT FOUND OR p_version > s.sign_version THEN
    outcome := 'scan_invalid';
  ELSIF p_version <> s.sign_version THEN
    outcome := 'sign_outdated';
  ELSIF s.status = 'retired' THEN
    outcome := 'station_closed';
  ELSIF s.status = 'planned' THEN
    outcome := 'station_not_in_service';
  ELSIF s.station_state = 'closed_temporarily' AND s.closed_until IS NOT NULL AND p_now < s.closed_until THEN
    outcome := 'station_closed_temporarily';
    detail := jsonb_build_object('reason', s.closure_reason);
  ELSIF NOT yizhan_open_at(s.opening_hours, p_now) THEN
    outcome := 'station_not_open';
    detail := jsonb_build_object('opening_hours', s.opening_hours);
  END IF;
  IF outcome IS NULL AND p_lat IS NOT NULL THEN
    -- app/services/geo.distance_m: haversine on the mean Earth radius, the same operations.
    h := sin((radians(s.lat) - radians(p_lat)) / 2) ^ 2
         + cos(radians(p_lat)) * cos(radians(s.lat)) * sin(radians(s.lng - p_lng) / 2) ^ 2;
    dist := 2 * 6371008.8 * asin(sqrt(h));
    IF dist > p_geofence_m THEN
      outcome := 'too_far';
      detail := jsonb_build_object('distance_m', dist);
    END IF;
  END IF;
  IF outcome IS NOT NULL THEN
    RETURN NEXT;
    RETURN;
  END IF;

  SELECT w.worker_group INTO grp FROM workers w WHERE w.id = p_worker_id FOR NO KEY UPDATE;
  IF NOT FOUND THEN
    outcome := 'worker_gone';
    RETURN NEXT;
    RETURN;
  END IF;

  INSERT INTO checkins (station_id, worker_id, source, checked_in_at, dedupe_bucket, services, lat, lng, distance_m,
                        worker_group, headcount)
  SELECT s.id, p_worker_id, 'scan', p_now, p_bucket, p_services,
         p_lat, p_lng, dist, grp, 1
   WHERE NOT EXISTS (SELECT 1 FROM checkins c WHERE c.worker_id = p_worker_id AND c.station_id = s.id
                       AND c.checked_in_at > p_now - make_interval(secs => p_window_s))
  ON CONFLICT (worker_id, station_id, dedupe_bucket) DO NOTHING
  RETURNING id INTO new_id;

  IF new_id IS NOT NULL THEN
    PERFORM yizhan_record_visit(new_id);
    answer_id := new_id;
    is_new := true;
  ELSE
    SELECT c.id INTO answer_id FROM checkins c
     WHERE c.worker_id = p_worker_id AND c.station_id = s.id AND c.checked_in_at > p_now - make_interval(secs => p_window_s)
     ORDER BY c.checked_in_at DESC LIMIT 1;
    is_new := false;
  END IF;

  IF p_key IS NOT NULL THEN
    INSERT INTO idempotency_records (worker_id, key, request_hash, checkin_id, status_code, created_at)
    VALUES (p_worker_id, p_key, p_hash, answer_id, CASE WHEN is_new THEN 201 ELSE 200 END, p_now)
    ON CONFLICT (worker_id, key) DO NOTHING;
    IF NOT FOUND THEN
      -- The same key raced us (its request held the lock first): its answer is the answer, and
      -- a different request under that key undoes this one.
      SELECT r.request_hash, r.checkin_id, r.status_code INTO rec
        FROM idempotency_records r WHERE r.worker_id = p_worker_id AND r.key = p_key;
      IF rec.request_hash <> p_hash THEN
        RAISE EXCEPTION 'idempotency key reused' USING ERRCODE = 'YZ422';
      END IF;
      answer_id := rec.checkin_id;
      is_new := rec.status_code = 201;
    END IF;
  END IF;

  RETURN QUERY SELECT 'ok', c.id, is_new, c.checked_in_at, c.services, c.distance_m, c.lat IS NOT NULL,
      CAST(st.code AS text), CAST(st.name AS text), NULL::jsonb
    FROM checkins c JOIN stations st ON st.id = c.station_id WHERE c.id = answer_id;
END
$fn$;
"""


def upgrade():
    op.execute(RECORD_VISIT)
    op.execute(OPEN_AT)
    op.execute(CHECK_IN)


def downgrade():
    op.execute("DROP FUNCTION IF EXISTS yizhan_check_in(bigint, text, int, timestamptz, double precision, bigint, jsonb, "
               "double precision, double precision, double precision, text, text)")
    op.execute("DROP FUNCTION IF EXISTS yizhan_open_at(jsonb, timestamptz)")
    op.execute("DROP FUNCTION IF EXISTS yizhan_record_visit(bigint)")
