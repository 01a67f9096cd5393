"""Bulk benchmark data for PostgreSQL: `python -m bench.seed [--url URL]`.

Everything is `INSERT ... SELECT generate_series(...)` on one connection (no ORM objects), so the
whole data set loads in well under a minute. Idempotent per run: every table is truncated first
(the schema must already be migrated: `flask --app wsgi db upgrade`).

Layout (ids are fixed so bench/run.sh and the wrk scripts can address rows without lookups):

- sites 1-20 homes (site 1 is the *small* home: 50 activities; 2-20 share the other 4,950),
  21-35 rehab stations, 36-50 cafés; no opening hours (always open: the benchmark runs any time).
- users 1-20,000 each linked (`self`) to resident 1-20,000; users 20,001-20,050 staff (manager) of
  site 1-50; user 20,051 an admin. Every user has the bearer token `bench-token-<user id>`
  (AuthToken stores its SHA-256, as backend/identity/tokens.py does).
- 5,000 activities spread over ±180 days (past ones completed), 100,000 signups (20 per activity,
  distinct residents; waitlisted beyond capacity), plus activity 5,001 at site 2 with 50 seats and
  no signups: the signup burst's target.
- rehab: 4 services and 4 therapists per station (therapist i runs service i), hourly slots
  (45 min + 15 min buffer, 8:00-17:00 local) from 371 days ago to 14 days ahead; 200,000
  appointments: every past slot up to that count (completed / cancelled / no-show) and 30 % of the
  future ones booked. Exclusion constraints hold: one therapist's slots are back to back, and the
  residents of one hour are distinct (resident = hour index * 60 + therapist, mod 20,000).
- cafés: 4 categories x 5 items each; 500,000 orders over the past 365 days (pickup numbers unique
  per café and local day), 1-2 lines each, payments for the completed ones.
- devices (the reports' figures): one maker, a product in each of five main classes, 5,000 cases at
  the rehab stations over the past 365 days (resident = case id: one live case per person and
  class), at every stage: an assessment from `assessed` on, a supply order from `supplying` on, a
  delivery from `training` on (2,000 deliveries, each with its signed handover and 10 follow-ups: 20,000,
  done when due in the past but one in seven, satisfaction 1-4, one in five not in use).
- loans: 2,000 units and 2,000 loans at the rehab stations over the past 365 days (a quarter still on
  loan, half of those overdue; half returned; a quarter cancelled holds).
- volunteers: users 1-500 approved; two credited volunteers (120 minutes) at every even completed
  activity.
"""
import argparse
import os
import time

import psycopg

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench"

N_SITES_HOME, N_SITES_REHAB, N_SITES_CAFE = 20, 15, 15
N_USERS = 20_000
N_ACTIVITIES = 5_000
SMALL_SITE_ACTIVITIES = 50
SIGNUPS_PER_ACTIVITY = 20  # x 5,000 = 100,000
N_APPOINTMENTS = 200_000
N_ORDERS = 500_000
N_DEVICE_CASES = 5_000
N_VOLUNTEERS = 500
N_FOLLOWUPS_PER_DELIVERY = 10  # x 2,000 deliveries = 20,000
N_LOANS = 2_000
BURST_ACTIVITY_ID = N_ACTIVITIES + 1
BURST_SITE_ID = 2
BURST_SEATS = 50
STAFF_USER_BASE = N_USERS  # staff of site s is user STAFF_USER_BASE + s
ADMIN_USER_ID = N_USERS + N_SITES_HOME + N_SITES_REHAB + N_SITES_CAFE + 1
FIRST_REHAB_SITE = N_SITES_HOME + 1
FIRST_CAFE_SITE = N_SITES_HOME + N_SITES_REHAB + 1
ZONE = "Asia/Shanghai"


def token_for(user_id: int) -> str:
    return f"bench-token-{user_id}"


# Local midnight of today in the sites' zone, as a timestamptz; every generated time hangs off it.
TODAY = f"(date_trunc('day', now() AT TIME ZONE '{ZONE}') AT TIME ZONE '{ZONE}')"

TABLES = ("device_loan_events", "device_loans", "device_item_events", "device_items", "device_repairs",
          "device_followups", "device_training_sessions", "device_deliveries", "device_handovers",
          "volunteer_certificates", "device_supply_orders", "device_approvals", "device_assessments",
          "device_case_events", "device_cases", "device_products", "device_maker_staff", "device_makers",
          "cafe_payments", "cafe_order_items", "cafe_orders", "pickup_counters", "menu_items", "menu_categories",
          "rehab_appointments", "rehab_closures", "rehab_slots", "rehab_services", "rehab_therapists",
          "activity_signups", "activities", "notifications", "subscription_credits", "idempotency_keys",
          "audit_log", "auth_tokens", "resident_sites", "resident_links", "volunteer_profiles",
          "staff_assignments", "residents", "users", "sites")

STEPS: list[tuple[str, str]] = [
    ("sites", f"""
INSERT INTO sites (id, kind, name, address, community, phone, lat, lng, opening_hours, accessibility,
                   timezone, rules, created_at)
SELECT s,
       CASE WHEN s <= {N_SITES_HOME} THEN 'home' WHEN s < {FIRST_CAFE_SITE} THEN 'rehab' ELSE 'cafe' END,
       CASE WHEN s <= {N_SITES_HOME} THEN '残疾人之家' WHEN s < {FIRST_CAFE_SITE} THEN '社区康复站'
            ELSE '手语咖啡' END || ' ' || s,
       '测试路 ' || s || ' 号', '社区 ' || (s % 7), '0571-8800' || lpad(s::text, 4, '0'),
       30.2 + s * 0.001, 120.1 + s * 0.001, '[]', '["step_free", "accessible_toilet"]', '{ZONE}', '{{}}', now()
FROM generate_series(1, {N_SITES_HOME + N_SITES_REHAB + N_SITES_CAFE}) s"""),

    ("users", f"""
INSERT INTO users (id, openid, nickname, avatar_url, preferences, is_admin, created_at)
SELECT u, 'bench-openid-' || u, '用户' || u, '', '{{"communication": "text", "large_text": false, "notes": ""}}',
       u = {ADMIN_USER_ID}, now() - interval '400 days'
FROM generate_series(1, {ADMIN_USER_ID}) u"""),

    ("auth_tokens", f"""
INSERT INTO auth_tokens (user_id, token_hash, expires_at, created_at)
SELECT u, encode(sha256(convert_to('bench-token-' || u, 'UTF8')), 'hex'), now() + interval '30 days', now()
FROM generate_series(1, {ADMIN_USER_ID}) u"""),

    ("staff_assignments", f"""
INSERT INTO staff_assignments (user_id, site_id, role, assigned_at, created_at)
SELECT {STAFF_USER_BASE} + s, s, 'manager', now(), now()
FROM generate_series(1, {N_SITES_HOME + N_SITES_REHAB + N_SITES_CAFE}) s"""),

    ("residents", f"""
INSERT INTO residents (id, name, disability_category, disability_level, needs, notes, verification,
                       verification_note, verified_at, consent_sensitive_at, consent_by_user_id,
                       registered_site_id, created_by_id, created_at)
SELECT r, '居民' || r,
       (ARRAY['visual','hearing','speech','physical','intellectual','mental','multiple'])[1 + r % 7],
       1 + r % 4,
       CASE r % 4 WHEN 0 THEN '["wheelchair"]' WHEN 1 THEN '["sign_language"]' WHEN 2 THEN '[]'
                  ELSE '["large_print", "carer"]' END::json,
       '', 'verified', '', now() - interval '300 days', now() - interval '300 days', r,
       1 + r % {N_SITES_HOME + N_SITES_REHAB + N_SITES_CAFE}, r, now() - interval '300 days'
FROM generate_series(1, {N_USERS}) r"""),

    ("resident_links", f"""
INSERT INTO resident_links (id, user_id, resident_id, relation, created_at)
SELECT r, r, r, 'self', now() FROM generate_series(1, {N_USERS}) r"""),

    ("resident_sites", f"""
INSERT INTO resident_sites (resident_id, site_id, reason, created_at)
SELECT r, 1 + r % {N_SITES_HOME + N_SITES_REHAB + N_SITES_CAFE}, 'registered', now()
FROM generate_series(1, {N_USERS}) r"""),

    # Site 1 holds the first 50 activities (the small listing); the rest go round sites 2-20.
    ("activities", f"""
INSERT INTO activities (id, site_id, title, description, category, starts_at, ends_at, location, capacity,
                        seats_taken, volunteer_capacity, volunteer_seats_taken, status, accessibility,
                        eligible_categories, cover_url, cancel_reason, created_by_id, published_at,
                        completed_at, created_at)
SELECT a, site, '活动 ' || a, '一起来参加活动 ' || a || '。',
       (ARRAY['culture','sports','skills','social','outing','learning','health','other'])[1 + a % 8],
       t, t + interval '2 hours', '活动室 ' || (a % 5), 15 + a % 11, 0, 2, 0,
       CASE WHEN t + interval '2 hours' < now() THEN 'completed' ELSE 'published' END,
       '["step_free"]', '[]', '', '', {STAFF_USER_BASE} + site, t - interval '30 days',
       CASE WHEN t + interval '2 hours' < now() THEN t + interval '3 hours' END, t - interval '30 days'
FROM (SELECT a,
             CASE WHEN a <= {SMALL_SITE_ACTIVITIES} THEN 1 ELSE 2 + a % {N_SITES_HOME - 1} END AS site,
             {TODAY} + make_interval(days => (a * 7919) % 360 - 180, hours => 9 + a % 8) AS t
      FROM generate_series(1, {N_ACTIVITIES}) a) g"""),

    # 20 distinct residents per activity: j * 1000 differs mod 20,000 for j in 0..19.
    ("activity_signups", f"""
INSERT INTO activity_signups (activity_id, role, resident_id, created_by_id, companions, seats, status,
                              cancelled_at, cancel_reason, attended_at, created_at)
SELECT a.id, 'participant', g.r, g.r, 0, 1, g.status,
       CASE WHEN g.status = 'cancelled' THEN a.starts_at - interval '2 days' END,
       CASE WHEN g.status = 'cancelled' THEN 'by_user' ELSE '' END,
       CASE WHEN g.status = 'attended' THEN a.starts_at END,
       a.starts_at - interval '10 days' + make_interval(mins => g.j)
FROM activities a
CROSS JOIN LATERAL (
  SELECT j, (a.id * 37 + j * 1000) % {N_USERS} + 1 AS r,
         CASE WHEN j % 9 = 8 THEN 'cancelled'
              WHEN j >= a.capacity THEN CASE WHEN a.status = 'completed' THEN 'cancelled' ELSE 'waitlisted' END
              WHEN a.status = 'completed' THEN CASE WHEN j % 10 = 0 THEN 'no_show' ELSE 'attended' END
              ELSE 'confirmed' END AS status
  FROM generate_series(0, {SIGNUPS_PER_ACTIVITY - 1}) j) g
ORDER BY a.id, g.j"""),

    ("activities.seats_taken", """
UPDATE activities a SET seats_taken = s.n
FROM (SELECT activity_id, sum(seats) AS n FROM activity_signups
      WHERE status IN ('confirmed', 'attended', 'no_show') GROUP BY activity_id) s
WHERE s.activity_id = a.id"""),

    ("burst activity", f"""
INSERT INTO activities (id, site_id, title, description, category, starts_at, ends_at, location, capacity,
                        seats_taken, volunteer_capacity, volunteer_seats_taken, status, accessibility,
                        eligible_categories, cover_url, cancel_reason, created_by_id, published_at, created_at)
VALUES ({BURST_ACTIVITY_ID}, {BURST_SITE_ID}, '报名压测活动', '', 'social',
        {TODAY} + interval '7 days 10 hours', {TODAY} + interval '7 days 12 hours', '大厅', {BURST_SEATS},
        0, 0, 0, 'published', '[]', '[]', '', '', {STAFF_USER_BASE + BURST_SITE_ID}, now(), now())"""),

    ("rehab_therapists", f"""
INSERT INTO rehab_therapists (id, site_id, name, active, created_at)
SELECT t, {FIRST_REHAB_SITE} + (t - 1) / 4, '治疗师 ' || t, true, now()
FROM generate_series(1, {N_SITES_REHAB * 4}) t"""),

    ("rehab_services", f"""
INSERT INTO rehab_services (id, site_id, name, kind, duration_min, buffer_min, description, requires_verified,
                            active, created_at)
SELECT v, {FIRST_REHAB_SITE} + (v - 1) / 4, '康复服务 ' || v,
       (ARRAY['physio','ot','speech','device_assessment'])[1 + (v - 1) % 4], 45, 15, '', false, true, now()
FROM generate_series(1, {N_SITES_REHAB * 4}) v"""),

    # Slot id = (day index * 9 + hour) * 60 + therapist: day index 0 is 371 days ago.
    ("rehab_slots", f"""
INSERT INTO rehab_slots (id, site_id, service_id, therapist_id, starts_at, ends_at, blocked_until, capacity,
                         booked, status, created_at)
SELECT ((d + 371) * 9 + h) * 60 + t, {FIRST_REHAB_SITE} + (t - 1) / 4, t, t, st, st + interval '45 minutes',
       st + interval '60 minutes', 1, 0, 'open', now()
FROM generate_series(-371, 14) d, generate_series(0, 8) h, generate_series(1, {N_SITES_REHAB * 4}) t,
     LATERAL (SELECT {TODAY} + make_interval(days => d, hours => 8 + h) AS st) x"""),

    ("rehab_appointments", f"""
INSERT INTO rehab_appointments (slot_id, service_id, site_id, resident_id, booked_by_id, by_staff, status, note,
                                starts_at, ends_at, cancel_reason, cancelled_at, status_note, status_changed_at,
                                created_at)
SELECT s.id, s.service_id, s.site_id, s.id % {N_USERS} + 1, s.id % {N_USERS} + 1, false, x.status, '',
       s.starts_at, s.ends_at, CASE WHEN x.status = 'cancelled' THEN 'by_user' ELSE '' END,
       CASE WHEN x.status = 'cancelled' THEN s.starts_at - interval '1 day' END, '',
       CASE WHEN x.status IN ('completed', 'no_show') THEN s.ends_at END, s.starts_at - interval '5 days'
FROM rehab_slots s,
     LATERAL (SELECT CASE WHEN s.starts_at > now() THEN 'booked'
                          WHEN s.id % 10 = 0 THEN 'cancelled' WHEN s.id % 20 = 1 THEN 'no_show'
                          ELSE 'completed' END AS status) x
WHERE (s.starts_at < now() AND s.id > (SELECT max(id) FROM rehab_slots WHERE starts_at < now()) - {N_APPOINTMENTS}
                                          + (SELECT count(*) FROM rehab_slots WHERE starts_at > now() AND id % 10 < 3))
   OR (s.starts_at > now() AND s.id % 10 < 3)
ORDER BY s.starts_at, s.id"""),

    ("rehab_slots.booked", """
UPDATE rehab_slots s SET booked = 1 FROM rehab_appointments a
WHERE a.slot_id = s.id AND a.status IN ('booked', 'checked_in')"""),

    ("menu_categories", f"""
INSERT INTO menu_categories (id, site_id, name, position, created_at)
SELECT s * 4 + c + 1, {FIRST_CAFE_SITE} + s, (ARRAY['咖啡','茶饮','甜点','轻食'])[c + 1], c, now()
FROM generate_series(0, {N_SITES_CAFE - 1}) s, generate_series(0, 3) c"""),

    # Item id = café index * 20 + m + 1, price 1200 + m * 100 fen; every other item has an optional choice.
    ("menu_items", f"""
INSERT INTO menu_items (id, site_id, category_id, name, description, price_fen, image_url, sign_video_url,
                        available, stock, options, position, created_at)
SELECT s * 20 + m + 1, {FIRST_CAFE_SITE} + s, s * 4 + m / 5 + 1, '饮品 ' || m, '手语点单：' || m,
       1200 + m * 100, '', '', true, NULL,
       CASE WHEN m % 2 = 0 THEN '[{{"name": "温度", "required": false, "choices": [{{"label": "热",
            "price_delta_fen": 0}}, {{"label": "冰", "price_delta_fen": 100}}]}}]' ELSE '[]' END::json,
       m, now()
FROM generate_series(0, {N_SITES_CAFE - 1}) s, generate_series(0, 19) m"""),

    # Order k: café k % 15, local day (k / 15) % 365 days back, pickup number k / (15 * 365) + 1.
    ("cafe_orders", f"""
INSERT INTO cafe_orders (id, site_id, user_id, local_date, number, status, total_fen, fulfilment, table_no, note,
                         out_trade_no, prepay_id, expires_at, paid_at, accepted_at, ready_at, completed_at,
                         cancelled_at, created_at)
SELECT k + 1, {FIRST_CAFE_SITE} + k % {N_SITES_CAFE}, k % {N_USERS} + 1, (t AT TIME ZONE '{ZONE}')::date,
       'A' || lpad((k / ({N_SITES_CAFE} * 365) + 1)::text, 3, '0'), st,
       (SELECT sum((1200 + ((k + i * 7) % 20) * 100) * (1 + (k + i) % 2)) FROM generate_series(1, 1 + k % 2) i),
       CASE WHEN k % 3 = 0 THEN 'table' ELSE 'pickup' END, CASE WHEN k % 3 = 0 THEN (1 + k % 12)::text END, '',
       'BN' || lpad(k::text, 10, '0'), 'wx_bench_' || k, t + interval '15 minutes',
       CASE WHEN st = 'completed' THEN t + interval '1 minute' END,
       CASE WHEN st = 'completed' THEN t + interval '2 minutes' END,
       CASE WHEN st = 'completed' THEN t + interval '8 minutes' END,
       CASE WHEN st = 'completed' THEN t + interval '12 minutes' END,
       CASE WHEN st = 'cancelled' THEN t + interval '3 minutes' END, t
FROM (SELECT k, {TODAY} - make_interval(days => (k / {N_SITES_CAFE}) % 365 + 1)
                 + make_interval(hours => 8, mins => 5 * (k / ({N_SITES_CAFE} * 365))) AS t,
             CASE k % 20 WHEN 0 THEN 'cancelled' WHEN 1 THEN 'expired' ELSE 'completed' END AS st
      FROM generate_series(0, {N_ORDERS - 1}) k) g"""),

    ("cafe_order_items", f"""
INSERT INTO cafe_order_items (order_id, item_id, name, unit_price_fen, qty, options)
SELECT o.id, (o.site_id - {FIRST_CAFE_SITE}) * 20 + (k + i * 7) % 20 + 1, '饮品 ' || (k + i * 7) % 20,
       1200 + ((k + i * 7) % 20) * 100, 1 + (k + i) % 2, '{{}}'
FROM (SELECT id, site_id, id - 1 AS k FROM cafe_orders) o, LATERAL generate_series(1, 1 + o.k % 2) i
ORDER BY o.id, i"""),

    ("cafe_payments", """
INSERT INTO cafe_payments (order_id, transaction_id, amount_fen, paid_at, late, refund_status, created_at)
SELECT id, 'TX' || out_trade_no, total_fen, paid_at, false, 'none', paid_at
FROM cafe_orders WHERE status = 'completed' ORDER BY id"""),

    ("device_makers", """
INSERT INTO device_makers (id, name, contact_name, phone, address, active, created_at)
VALUES (1, '压测辅具厂', '', '', '', true, now())"""),

    ("device_products", """
INSERT INTO device_products (id, maker_id, code, name, model, class_code, description, image_url, price_fen,
                             subsidy_standard_fen, useful_life_months, training_sessions, loanable, loan_days,
                             maintenance_interval_days, active, created_at)
SELECT p, 1, 'P' || p, '辅具 ' || p, '', c, '', '', 100000 * p, 80000 * p, 60, p % 2, p % 2 = 0, 60, 180, true, now()
FROM (SELECT row_number() OVER (ORDER BY code) AS p, code AS c FROM device_classes WHERE parent_code IS NULL
      ORDER BY code LIMIT 5) x"""),

    # Stage by case id % 10: 0 submitted ... 6 training, 7-8 follow_up, 9 closed.
    ("device_cases", f"""
INSERT INTO device_cases (id, resident_id, site_id, class_code, main_class, need, subsidy_groups, status, by_staff,
                          returned_reason, closed_reason, approval_round, product_id, price_fen, subsidy_fen,
                          self_pay_fen, ratio_percent, confirm_opinion, confirmed_at, delivered_at, closed_at,
                          created_at)
SELECT c, c, {FIRST_REHAB_SITE} + c % {N_SITES_REHAB}, p.class_code, p.class_code, '需要辅具', '["general"]',
       (ARRAY['submitted','assessment_pending','assessed','approval','supplying','ready_for_fitting','training',
              'follow_up','follow_up','closed'])[1 + c % 10], false, '', '', CASE WHEN c % 10 >= 3 THEN 1 ELSE 0 END,
       CASE WHEN c % 10 >= 3 THEN p.id END, CASE WHEN c % 10 >= 3 THEN p.price_fen END,
       CASE WHEN c % 10 >= 3 THEN p.price_fen * 8 / 10 END, CASE WHEN c % 10 >= 3 THEN p.price_fen * 2 / 10 END,
       CASE WHEN c % 10 >= 3 THEN 80 END, '', CASE WHEN c % 10 >= 3 THEN t + interval '10 days' END,
       CASE WHEN c % 10 >= 6 THEN least(t + interval '30 days', now()) END,
       CASE WHEN c % 10 = 9 THEN least(t + interval '200 days', now()) END, t
FROM (SELECT c, {TODAY} - make_interval(days => (c * 7919) % 365, hours => -9 - c % 8) AS t
      FROM generate_series(1, {N_DEVICE_CASES}) c) g
JOIN device_products p ON p.id = 1 + g.c % 5"""),

    # The shipped forms reference users (published_by_id), so the TRUNCATE ... CASCADE above empties them.
    ("device_assessment_forms", """
INSERT INTO device_assessment_forms (domain, version, title, questions, published_at)
SELECT 'mobility', 1, '压测评估表', '[]', now()
WHERE NOT EXISTS (SELECT 1 FROM device_assessment_forms)"""),

    ("device_assessments", """
INSERT INTO device_assessments (case_id, form_id, answers_enc, measurements_enc, findings_enc, outcome,
                                recommendations, void_reason, created_at)
SELECT id, (SELECT min(id) FROM device_assessment_forms), 'x', 'x', 'x', 'suitable', '[]', '',
       least(created_at + interval '5 days', now())
FROM device_cases WHERE id % 10 >= 2 ORDER BY id"""),

    ("device_supply_orders", """
INSERT INTO device_supply_orders (case_id, maker_id, product_id, site_id, quantity, status, tracking, serial_nos,
                                  from_stock, created_at)
SELECT id, 1, product_id, site_id, 1 + id % 2, CASE WHEN id % 10 = 4 THEN 'open' ELSE 'received' END, '', '[]',
       false, least(created_at + interval '15 days', now())
FROM device_cases WHERE id % 10 >= 4 ORDER BY id"""),

    ("device_handovers", """
INSERT INTO device_handovers (id, kind, resident_id, site_id, signed_by, signer_name, signature_bytes, text,
                              text_version, signed_at, created_at)
SELECT id, 'delivery', resident_id, site_id, 'resident', '本人', 0, '交接确认', 'v1', delivered_at, delivered_at
FROM device_cases WHERE delivered_at IS NOT NULL ORDER BY id"""),

    ("device_deliveries", """
INSERT INTO device_deliveries (id, case_id, supply_order_id, handover_id, product_id, serial_no, fitted_at, notes,
                               created_at)
SELECT c.id, c.id, o.id, c.id, c.product_id, 'SN' || c.id, c.delivered_at, '', c.delivered_at
FROM device_cases c JOIN device_supply_orders o ON o.case_id = c.id WHERE c.delivered_at IS NOT NULL ORDER BY c.id"""),

    ("device_followups", f"""
INSERT INTO device_followups (case_id, delivery_id, site_id, seq, offset_days, due_on, status, method, in_use,
                              not_used_reason, satisfaction, outcome, note, recorded_at, created_at)
SELECT d.case_id, d.id, c.site_id, q, 30 * q, x.due, x.st,
       CASE WHEN x.st = 'done' THEN 'phone' END, CASE WHEN x.st = 'done' THEN (d.id + q) % 5 <> 0 END,
       CASE WHEN x.st = 'done' AND (d.id + q) % 5 = 0 THEN '不合适' ELSE '' END,
       CASE WHEN x.st = 'done' THEN 1 + (d.id + q) % 4 END, CASE WHEN x.st = 'done' THEN 'continue' END, '',
       CASE WHEN x.st = 'done' THEN (x.due + time '15:00') AT TIME ZONE '{ZONE}' END, d.fitted_at
FROM device_deliveries d JOIN device_cases c ON c.id = d.case_id,
     generate_series(1, {N_FOLLOWUPS_PER_DELIVERY}) q,
     LATERAL (SELECT (d.fitted_at AT TIME ZONE '{ZONE}')::date + 30 * q AS due) y,
     LATERAL (SELECT y.due, CASE WHEN y.due < ({TODAY} AT TIME ZONE '{ZONE}')::date AND (d.id + q) % 7 <> 0
                                 THEN 'done' ELSE 'pending' END AS st) x
ORDER BY d.id, q"""),

    ("device_items", f"""
INSERT INTO device_items (id, site_id, product_id, serial_no, condition, source, status, note, acquired_on, created_at)
SELECT i, {FIRST_REHAB_SITE} + i % {N_SITES_REHAB}, 1 + i % 5, 'U' || i, 'good', 'purchased',
       CASE WHEN i % 4 = 0 THEN 'on_loan' ELSE 'available' END, '', (now() - interval '400 days')::date, now()
FROM generate_series(1, {N_LOANS}) i"""),

    ("device_loans", f"""
INSERT INTO device_loans (id, resident_id, site_id, product_id, item_id, purpose, status, due_on, renewals, by_staff,
                          checked_out_at, returned_at, return_note, created_at)
SELECT i, {N_DEVICE_CASES} + i, {FIRST_REHAB_SITE} + i % {N_SITES_REHAB}, 1 + i % 5, i,
       (ARRAY['trial','awaiting_subsidy','during_repair','short_term'])[1 + i % 4],
       (ARRAY['on_loan','returned','returned','cancelled'])[1 + i % 4],
       CASE WHEN i % 4 <> 3 THEN (t AT TIME ZONE '{ZONE}')::date + CASE WHEN i % 8 = 0 THEN 30 ELSE 400 END END, 0, false,
       CASE WHEN i % 4 <> 3 THEN t END, CASE WHEN i % 4 IN (1, 2) THEN t + interval '20 days' END, '',
       t - interval '1 day'
FROM (SELECT i, {TODAY} - make_interval(days => (i * 7919) % 365, hours => -10) AS t
      FROM generate_series(1, {N_LOANS}) i) g"""),

    ("volunteer_profiles", f"""
INSERT INTO volunteer_profiles (user_id, real_name, skills, intro, status, review_note, minutes_total, created_at)
SELECT u, '志愿者' || u, '["sign_language"]', '', 'approved', '', 0, now() - interval '400 days'
FROM generate_series(1, {N_VOLUNTEERS}) u"""),

    ("volunteer signups", f"""
INSERT INTO activity_signups (activity_id, role, user_id, created_by_id, companions, seats, status, cancel_reason,
                              attended_at, minutes_credited, credited_at, created_at)
SELECT a.id, 'volunteer', (a.id * 3 + j) % {N_VOLUNTEERS} + 1, (a.id * 3 + j) % {N_VOLUNTEERS} + 1, 0, 1,
       'attended', '', a.starts_at, 120, a.completed_at, a.starts_at - interval '7 days'
FROM activities a, generate_series(0, 1) j
WHERE a.status = 'completed' AND a.id % 2 = 0 ORDER BY a.id, j"""),
]


def pg_url(url: str) -> str:
    """The SQLAlchemy URL as libpq takes it."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def seed(url: str, quiet: bool = False) -> None:
    started = time.monotonic()
    with psycopg.connect(pg_url(url)) as conn:
        conn.execute("SET synchronous_commit = off")
        conn.execute("SET maintenance_work_mem = '256MB'")
        conn.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
        for name, sql in STEPS:
            t0 = time.monotonic()
            rows = conn.execute(sql).rowcount
            if not quiet:
                print(f"  {name:<24} {rows:>9,} rows  {time.monotonic() - t0:6.1f} s", flush=True)
        # Explicit ids bypass the sequences: move each past its table's highest id.
        for (table,) in conn.execute("SELECT table_name FROM information_schema.columns WHERE table_schema = "
                                     "'public' AND column_name = 'id' AND column_default LIKE 'nextval%'").fetchall():
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                         f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)")
        conn.commit()
    with psycopg.connect(pg_url(url), autocommit=True) as conn:
        t0 = time.monotonic()
        conn.execute("VACUUM ANALYZE")
        if not quiet:
            print(f"  {'vacuum analyze':<24} {'':>9}       {time.monotonic() - t0:6.1f} s")
    if not quiet:
        print(f"==> seeded in {time.monotonic() - started:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args()
    print(f"==> seeding {args.url}")
    seed(args.url)


if __name__ == "__main__":
    main()
