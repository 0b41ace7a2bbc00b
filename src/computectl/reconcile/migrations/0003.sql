DO $$
BEGIN
  -- pg_create_subscription exists from PostgreSQL 16 on.
  IF current_setting('server_version_num')::int >= 160000 THEN
    EXECUTE 'GRANT pg_create_subscription TO neon_superuser';
  END IF;
END
$$
