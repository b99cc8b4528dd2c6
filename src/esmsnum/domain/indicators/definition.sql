-- DUI usage indicators: the one definition (shared/spec/usage-indicators.md).
--
-- Plain SQL over three input relations that an adapter provides with typed columns:
--   dossiers_in(finess_et, dossier_id, admission_date DATE, exit_date DATE, exit_definitive BOOLEAN,
--               admission_date_invalid, exit_date_invalid, exit_definitive_invalid BOOLEAN)
--   personalised_projects_in(finess_et, dossier_id, started_on DATE, ended_on DATE,
--               started_on_invalid, ended_on_invalid BOOLEAN)
--   events_in(finess_et, dossier_id, occurred_on DATE or TIMESTAMP, occurred_on_invalid BOOLEAN, kind)
-- (an *_invalid flag is true when the source had a value that is not a valid date/boolean; the typed value is then
-- NULL), and three parameters: $window_start and $window_end (first and last day of W, DATE) and $measured_at
-- (D = the day after W, DATE; timestamps are compared with it so that 23:59:59 on the last day is inside W).
--
-- The file is a sequence of named steps, `-- step: NAME (KIND)` followed by one SELECT. Each step may use the
-- inputs and the previous steps. An adapter runs them in order as views or (temporary) tables; nothing here is
-- specific to one engine (no UDF; the one aggregate beyond ANSI, bit_or, and the & operator have these names in
-- PostgreSQL and Spark SQL too), so the same steps can run on a distributed engine. Two placeholders are filled in
-- by the adapter: {finess_reason} (a portable expression) and {kind_flags} (a plain CASE in portable form; an
-- adapter may put its engine's fastest equivalent, as the DuckDB one does).
--
-- Two passes, the second only for an extract with bad rows:
-- 1. The computation (kinds view, table, result): one aggregation of the rows of the three tables together, per
--    dossier key (finess_et, dossier_id), checks every row as it is aggregated; each row adds bits to the key's
--    `flags` (below), so the key-level checks (unknown or duplicated dossier) need no join. Then one row per ESSMS
--    with its figures, and the number of problems found (result bad_rows_found).
-- 2. Only when that number is not 0 (kinds "bad table" and "bad result"): the bad rows counted per table and
--    reason, from a second read grouped by key and reason. Finding the line of each bad row needs a third,
--    line-numbered read (kind detail), only done when the command is to fail and list them.
-- A bad row is excluded from every count.
--
-- One reason per bad row, the first that applies, in this order: FINESS missing, malformed or with a wrong key;
-- dossier_id missing; dossier duplicated within its ESSMS (dossiers: all its rows) or unknown (other tables: no row
-- of dossiers has this FINESS and dossier_id); then the row's own values (dates, boolean, kind).

-- step: dossier_checked (view)
-- finess_et and dossier_id are never NULL past this point ('' when missing), so that they can be join keys.
-- `line` (NULL in the main pass) and the *_raw text values only serve to list bad rows.
SELECT coalesce(d.finess_et, '') AS finess_et, coalesce(d.dossier_id, '') AS dossier_id,
       d.admission_date, d.exit_date, d.line,
       d.admission_date_raw, d.exit_date_raw, d.exit_definitive_raw,
       CASE
         WHEN d.dossier_id IS NULL OR d.dossier_id = '' THEN 'dossier_id_missing'
         WHEN d.admission_date_invalid THEN 'admission_date_invalid'
         WHEN d.admission_date IS NULL THEN 'admission_date_missing'
         WHEN d.exit_date_invalid THEN 'exit_date_invalid'
         WHEN d.exit_definitive_invalid THEN 'exit_definitive_invalid'
         WHEN d.exit_date < d.admission_date THEN 'exit_before_admission'
       END AS reason
FROM dossiers_in d

-- step: personalised_project_checked (view)
SELECT coalesce(p.finess_et, '') AS finess_et, coalesce(p.dossier_id, '') AS dossier_id,
       p.started_on, p.ended_on, p.line, p.started_on_raw, p.ended_on_raw,
       CASE
         WHEN p.dossier_id IS NULL OR p.dossier_id = '' THEN 'dossier_id_missing'
         WHEN p.started_on_invalid THEN 'started_on_invalid'
         WHEN p.started_on IS NULL THEN 'started_on_missing'
         WHEN p.ended_on_invalid THEN 'ended_on_invalid'
         WHEN p.ended_on < p.started_on THEN 'ended_before_start'
       END AS reason
FROM personalised_projects_in p

-- step: event_checked (view)
-- kind_flags: the bits of key_groups for an event of this kind in W (update 1, agenda 3, dmp_document 5,
-- mss_sent 9, eprescription_import 17, eparcours_exchange 33), NULL for any other value ({kind_flags:COLUMN}:
-- filled in by the adapter, see esmsnum.domain.indicators.extract.kind_flags_sql; portable form:
-- CASE COLUMN WHEN 'update' THEN 1 ... END).
SELECT coalesce(e.finess_et, '') AS finess_et, coalesce(e.dossier_id, '') AS dossier_id,
       e.occurred_on, e.kind_flags, e.line, e.occurred_on_raw, e.kind,
       CASE
         WHEN e.dossier_id IS NULL OR e.dossier_id = '' THEN 'dossier_id_missing'
         WHEN e.occurred_on_invalid THEN 'occurred_on_invalid'
         WHEN e.occurred_on IS NULL THEN 'occurred_on_missing'
         WHEN e.kind IS NULL OR e.kind = '' THEN 'kind_missing'
         WHEN e.kind_flags IS NULL THEN 'kind_unknown'
       END AS reason
FROM (
  SELECT i.*,
         {kind_flags:i.kind} AS kind_flags
  FROM events_in i
) e

-- step: key_groups (table)
-- One row per dossier key, from every row of the three tables in one aggregation. Each row contributes bits,
-- OR-ed into `flags`:
--      1  a valid event in W          2  an agenda event in W       4  a DMP event in W
--      8  an MSSanté message in W    16  an e-prescription import  32  an e-parcours exchange   (in W, valid)
--     64  a valid dossier row, accompanied (admitted by the end of W and not gone before its start)
--    128  a valid personalised project overlapping W
--    256  a bad dossier row         512  a bad personalised project row      1024  a bad event row
--   2048  a valid personalised project row (any dates)                      4096  a valid event row (any date)
-- An event's bits 1-32 come from its kind ({kind_flags}: update 1, agenda 1+2, dmp_document 1+4, mss_sent 1+8,
-- eprescription_import 1+16, eparcours_exchange 1+32; NULL for any other value). dossier_rows counts the key's
-- dossier rows (valid or not: more than one is a duplicate) and the three counts are the message events in W.
-- Few aggregates on purpose: each costs a pass over the 100 M events of a national extract.
SELECT finess_et, dossier_id,
       count(*) FILTER (WHERE source = 'dossiers') AS dossier_rows,
       bit_or(row_flags) AS flags,
       count(*) FILTER (WHERE (row_flags & 8) <> 0) AS mss_messages,
       count(*) FILTER (WHERE (row_flags & 16) <> 0) AS eprescription_imports,
       count(*) FILTER (WHERE (row_flags & 32) <> 0) AS eparcours_exchanges
FROM (
  SELECT finess_et, dossier_id, 'dossiers' AS source,
         CASE WHEN reason IS NOT NULL THEN 256
              WHEN admission_date <= $window_end AND (exit_date IS NULL OR exit_date >= $window_start) THEN 64
              ELSE 0 END AS row_flags
  FROM dossier_checked
  UNION ALL
  SELECT finess_et, dossier_id, 'personalised_projects',
         CASE WHEN reason IS NOT NULL THEN 512
              WHEN started_on <= $window_end AND (ended_on IS NULL OR ended_on >= $window_start) THEN 2048 + 128
              ELSE 2048 END
  FROM personalised_project_checked
  UNION ALL
  SELECT finess_et, dossier_id, 'events',
         CASE WHEN reason IS NOT NULL THEN 1024
              WHEN occurred_on >= $window_start AND occurred_on < $measured_at THEN 4096 + kind_flags
              ELSE 4096 END
  FROM event_checked
) r
GROUP BY finess_et, dossier_id

-- step: essms_rollup (table)
-- Per FINESS: the counts, and the number of keys with a problem. A dossier counts when its key has exactly one
-- dossier row and that row is valid; message counts are per ESSMS: events of dossiers that are not accompanied
-- count too, but the dossier must exist. A key has a problem when one of its rows is bad, when it has several
-- dossier rows (duplicate) or when it has valid personalised projects or events but no dossier row (unknown).
SELECT finess_et,
       count(*) FILTER (WHERE counted AND (flags & 64) <> 0) AS accompanied,
       count(*) FILTER (WHERE counted AND (flags & (64 + 1)) = 64 + 1) AS active,
       count(*) FILTER (WHERE counted AND (flags & (64 + 1 + 128)) = 64 + 1 + 128) AS active_with_pp,
       count(*) FILTER (WHERE counted AND (flags & (64 + 1 + 2)) = 64 + 1 + 2) AS active_with_agenda,
       count(*) FILTER (WHERE counted AND (flags & (64 + 4)) = 64 + 4) AS dmp_fed,
       coalesce(sum(mss_messages) FILTER (WHERE dossier_rows > 0), 0) AS mss_messages,
       coalesce(sum(eprescription_imports) FILTER (WHERE dossier_rows > 0), 0) AS eprescription_imports,
       coalesce(sum(eparcours_exchanges) FILTER (WHERE dossier_rows > 0), 0) AS eparcours_exchanges,
       count(*) FILTER (WHERE counted) AS counted_dossiers,
       count(*) FILTER (WHERE dossier_rows > 0 AND (flags & 4096) <> 0) AS known_event_keys,
       count(*) FILTER (WHERE (flags & (256 + 512 + 1024)) <> 0 OR dossier_rows > 1
                          OR (dossier_rows = 0 AND (flags & (2048 + 4096)) <> 0)) AS bad_keys
FROM (
  SELECT k.*, (dossier_rows = 1 AND (flags & 256) = 0) AS counted
  FROM key_groups k
) k
GROUP BY finess_et

-- step: finess_checks (table)
-- Every FINESS number of the extract, with the reason why it is not valid ({finess_reason}: the portable
-- expression of esmsnum.domain.indicators.finess_sql).
SELECT finess_et, {finess_reason} AS reason
FROM essms_rollup

-- step: essms_counts (result)
SELECT r.finess_et, r.accompanied, r.active, r.active_with_pp, r.active_with_agenda, r.dmp_fed,
       r.mss_messages, r.eprescription_imports, r.eparcours_exchanges
FROM essms_rollup r
JOIN finess_checks f ON f.finess_et = r.finess_et
WHERE f.reason IS NULL AND (r.counted_dossiers > 0 OR r.known_event_keys > 0)
ORDER BY r.finess_et

-- step: bad_rows_found (result)
-- 0 when every row is valid: keys with a problem, plus ESSMS whose FINESS number is not valid.
SELECT coalesce(sum(r.bad_keys), 0) + count(*) FILTER (WHERE f.reason IS NOT NULL) AS problems
FROM essms_rollup r
JOIN finess_checks f ON f.finess_et = r.finess_et

-- step: dossier_groups (bad table)
-- Second pass, for an extract with bad rows: the rows per dossier key (and row-level reason, except for dossiers:
-- a key with several dossier rows is a duplicate whatever their reasons).
SELECT finess_et, dossier_id, count(*) AS n_rows, min(reason) AS reason
FROM dossier_checked
GROUP BY finess_et, dossier_id

-- step: personalised_project_groups (bad table)
SELECT finess_et, dossier_id, reason, count(*) AS n_rows
FROM personalised_project_checked
GROUP BY finess_et, dossier_id, reason

-- step: event_groups (bad table)
SELECT finess_et, dossier_id, reason, count(*) AS n_rows
FROM event_checked
GROUP BY finess_et, dossier_id, reason

-- step: key_rollup (bad table)
-- Per FINESS: its dossier rows (all), its valid personalised project and event rows, and how many of them have a
-- key-level reason (duplicated dossier, unknown dossier).
SELECT finess_et,
       sum(dossier_rows) AS dossier_rows,
       sum(CASE WHEN dossier_rows > 1 AND dossier_reason IS DISTINCT FROM 'dossier_id_missing'
                THEN dossier_rows ELSE 0 END) AS duplicate_rows,
       sum(known * event_rows) AS known_event_rows,
       sum((1 - known) * event_rows) AS unknown_event_rows,
       sum(personalised_project_rows) AS personalised_project_rows,
       sum((1 - known) * personalised_project_rows) AS unknown_personalised_project_rows
FROM (
  SELECT coalesce(dp.finess_et, e.finess_et) AS finess_et,
         CASE WHEN dp.dossier_rows IS NOT NULL THEN 1 ELSE 0 END AS known,
         coalesce(dp.dossier_rows, 0) AS dossier_rows, dp.dossier_reason,
         coalesce(dp.personalised_project_rows, 0) AS personalised_project_rows,
         coalesce(e.n_rows, 0) AS event_rows
  FROM (
    SELECT coalesce(d.finess_et, p.finess_et) AS finess_et, coalesce(d.dossier_id, p.dossier_id) AS dossier_id,
           d.n_rows AS dossier_rows, d.reason AS dossier_reason, p.n_rows AS personalised_project_rows
    FROM dossier_groups d
    FULL OUTER JOIN (SELECT * FROM personalised_project_groups WHERE reason IS NULL) p
      ON p.finess_et = d.finess_et AND p.dossier_id = d.dossier_id
  ) dp
  FULL OUTER JOIN (SELECT * FROM event_groups WHERE reason IS NULL) e
    ON e.finess_et = dp.finess_et AND e.dossier_id = dp.dossier_id
) k
GROUP BY finess_et

-- step: bad_row_counts (bad result)
-- Number of bad rows per table and reason.
SELECT table_name, reason, sum(n_rows) AS n_rows
FROM (
  -- every row of an ESSMS whose FINESS is not valid (row-level bad rows are added below)
  SELECT 'dossiers' AS table_name, f.reason, r.dossier_rows AS n_rows
  FROM key_rollup r JOIN finess_checks f ON f.finess_et = r.finess_et WHERE f.reason IS NOT NULL
  UNION ALL
  SELECT 'personalised_projects', f.reason, r.personalised_project_rows
  FROM key_rollup r JOIN finess_checks f ON f.finess_et = r.finess_et WHERE f.reason IS NOT NULL
  UNION ALL
  SELECT 'events', f.reason, r.known_event_rows + r.unknown_event_rows
  FROM key_rollup r JOIN finess_checks f ON f.finess_et = r.finess_et WHERE f.reason IS NOT NULL
  UNION ALL
  -- key-level reasons in valid ESSMS
  SELECT 'dossiers', 'dossier_duplicate', r.duplicate_rows
  FROM key_rollup r JOIN finess_checks f ON f.finess_et = r.finess_et WHERE f.reason IS NULL
  UNION ALL
  SELECT 'personalised_projects', 'dossier_unknown', r.unknown_personalised_project_rows
  FROM key_rollup r JOIN finess_checks f ON f.finess_et = r.finess_et WHERE f.reason IS NULL
  UNION ALL
  SELECT 'events', 'dossier_unknown', r.unknown_event_rows
  FROM key_rollup r JOIN finess_checks f ON f.finess_et = r.finess_et WHERE f.reason IS NULL
  UNION ALL
  -- rows with a row-level reason (few): the FINESS check first, then the dossier key
  SELECT 'dossiers', reason, n_rows
  FROM dossier_groups
  WHERE reason IS NOT NULL AND (n_rows = 1 OR reason = 'dossier_id_missing')
    AND finess_et NOT IN (SELECT finess_et FROM finess_checks WHERE reason IS NOT NULL)
  UNION ALL
  SELECT 'personalised_projects',
         coalesce({finess_reason},
                  CASE WHEN b.reason <> 'dossier_id_missing' AND NOT EXISTS (
                         SELECT 1 FROM dossier_groups d WHERE d.finess_et = b.finess_et AND d.dossier_id = b.dossier_id
                       ) THEN 'dossier_unknown' END,
                  b.reason),
         b.n_rows
  FROM personalised_project_groups b
  WHERE b.reason IS NOT NULL
  UNION ALL
  SELECT 'events',
         coalesce({finess_reason},
                  CASE WHEN b.reason <> 'dossier_id_missing' AND NOT EXISTS (
                         SELECT 1 FROM dossier_groups d WHERE d.finess_et = b.finess_et AND d.dossier_id = b.dossier_id
                       ) THEN 'dossier_unknown' END,
                  b.reason),
         b.n_rows
  FROM event_groups b
  WHERE b.reason IS NOT NULL
) r
WHERE n_rows > 0
GROUP BY table_name, reason

-- step: dossier_bad_rows (detail)
-- With line-numbered inputs (column `line`): the bad rows themselves, with the offending value. A FINESS that only
-- appears on rows with a row-level reason is not in finess_checks: it is checked here.
SELECT line, reason,
       CASE reason
         WHEN 'finess_format' THEN finess_et WHEN 'finess_key' THEN finess_et
         WHEN 'dossier_duplicate' THEN dossier_id
         WHEN 'admission_date_invalid' THEN admission_date_raw
         WHEN 'exit_date_invalid' THEN exit_date_raw
         WHEN 'exit_definitive_invalid' THEN exit_definitive_raw
       END AS value
FROM (
  SELECT c.line, c.finess_et, c.dossier_id, c.admission_date_raw, c.exit_date_raw, c.exit_definitive_raw,
         CASE WHEN f.reason IS NOT NULL THEN f.reason
              WHEN f.finess_et IS NULL AND {finess_reason:c.finess_et} IS NOT NULL THEN {finess_reason:c.finess_et}
              WHEN c.reason = 'dossier_id_missing' THEN c.reason
              WHEN d.n_rows > 1 THEN 'dossier_duplicate'
              ELSE c.reason END AS reason
  FROM dossier_checked c
  LEFT JOIN finess_checks f ON f.finess_et = c.finess_et
  LEFT JOIN dossier_groups d ON d.finess_et = c.finess_et AND d.dossier_id = c.dossier_id
) b
WHERE reason IS NOT NULL

-- step: personalised_project_bad_rows (detail)
SELECT line, reason,
       CASE reason
         WHEN 'finess_format' THEN finess_et WHEN 'finess_key' THEN finess_et
         WHEN 'dossier_unknown' THEN dossier_id
         WHEN 'started_on_invalid' THEN started_on_raw
         WHEN 'ended_on_invalid' THEN ended_on_raw
       END AS value
FROM (
  SELECT c.line, c.finess_et, c.dossier_id, c.started_on_raw, c.ended_on_raw,
         CASE WHEN f.reason IS NOT NULL THEN f.reason
              WHEN f.finess_et IS NULL AND {finess_reason:c.finess_et} IS NOT NULL THEN {finess_reason:c.finess_et}
              WHEN c.reason = 'dossier_id_missing' THEN c.reason
              WHEN d.n_rows IS NULL THEN 'dossier_unknown'
              ELSE c.reason END AS reason
  FROM personalised_project_checked c
  LEFT JOIN finess_checks f ON f.finess_et = c.finess_et
  LEFT JOIN dossier_groups d ON d.finess_et = c.finess_et AND d.dossier_id = c.dossier_id
) b
WHERE reason IS NOT NULL

-- step: event_bad_rows (detail)
SELECT line, reason,
       CASE reason
         WHEN 'finess_format' THEN finess_et WHEN 'finess_key' THEN finess_et
         WHEN 'dossier_unknown' THEN dossier_id
         WHEN 'occurred_on_invalid' THEN occurred_on_raw
         WHEN 'kind_unknown' THEN kind
       END AS value
FROM (
  SELECT c.line, c.finess_et, c.dossier_id, c.occurred_on_raw, c.kind,
         CASE WHEN f.reason IS NOT NULL THEN f.reason
              WHEN f.finess_et IS NULL AND {finess_reason:c.finess_et} IS NOT NULL THEN {finess_reason:c.finess_et}
              WHEN c.reason = 'dossier_id_missing' THEN c.reason
              WHEN d.n_rows IS NULL THEN 'dossier_unknown'
              ELSE c.reason END AS reason
  FROM event_checked c
  LEFT JOIN finess_checks f ON f.finess_et = c.finess_et
  LEFT JOIN dossier_groups d ON d.finess_et = c.finess_et AND d.dossier_id = c.dossier_id
) b
WHERE reason IS NOT NULL
