DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = 'neon' AND tablename = 'drop_subscriptions_done') THEN
    CREATE TABLE neon.drop_subscriptions_done (id serial primary key, timeline_id text);
  END IF;
  -- One row, rewritten in place: branches of branches would otherwise pile up rows.
  INSERT INTO neon.drop_subscriptions_done VALUES (1, current_setting('neon.timeline_id'))
    ON CONFLICT (id) DO UPDATE SET timeline_id = current_setting('neon.timeline_id');
END
$$
