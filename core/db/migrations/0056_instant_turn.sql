-- "Check a chat proof now or queue it" in one round trip (#17): what `decideInstantCheck` did in three
-- statements — lock the MoF budget's row (created the first time) until the transaction ends, count the
-- instant checks queued ahead, and take a permit only when the proof is not to be queued — in one call.
-- PL/pgSQL runs each statement with a fresh snapshot (READ COMMITTED), so the count still comes after the
-- lock and sees the proofs queued by whoever held the row before, as the three statements did.
-- Queued when the permit's wait (the backlog beyond the burst tolerance plus one interval per check
-- ahead, rounded to the ms as `placeOf` rounds it) is above 0 and the member would wait past
-- `p_limit_ms` in all (`p_waited_ms` already waited). `wait_ms`: the taken permit's wait, null when queued.
CREATE OR REPLACE FUNCTION submissions_instant_turn(
  p_key text,
  p_interval_ms double precision,
  p_tolerance_ms double precision,
  p_waited_ms double precision,
  p_limit_ms double precision,
  p_now timestamptz
) RETURNS TABLE (backlog_ms double precision, ahead bigint, wait_ms double precision)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_eta numeric;
BEGIN
  INSERT INTO platform_budgets AS b (key, next_at) VALUES (p_key, clock_timestamp())
    ON CONFLICT (key) DO UPDATE SET next_at = b.next_at
    RETURNING greatest(0, extract(epoch FROM (b.next_at - clock_timestamp()))::double precision * 1000
                          - p_tolerance_ms)
    INTO backlog_ms;
  SELECT count(*) INTO ahead
    FROM submissions s
    JOIN campaigns c ON c.id = s.campaign_id
   WHERE s.state IN ('parsed', 'awaiting_upload')
     AND s.next_check_at <= p_now
     AND c.verification_mode = 'instant';
  v_eta := round((backlog_ms + ahead * p_interval_ms)::numeric);
  IF v_eta > 0 AND p_waited_ms + v_eta > p_limit_ms THEN
    wait_ms := NULL;
  ELSE
    WITH t AS (SELECT clock_timestamp() AS now)
    UPDATE platform_budgets b
       SET next_at = greatest(b.next_at, t.now) + make_interval(secs => p_interval_ms / 1000)
      FROM t
     WHERE b.key = p_key
    RETURNING greatest(0, extract(epoch FROM (b.next_at - t.now))::double precision * 1000
                          - p_interval_ms - p_tolerance_ms)
      INTO wait_ms;
  END IF;
  RETURN NEXT;
END
$$;
