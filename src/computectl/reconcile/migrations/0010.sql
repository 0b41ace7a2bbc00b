DO $$
BEGIN
  -- Both functions may be granted only from PostgreSQL 16 on.
  IF current_setting('server_version_num')::int >= 160000 THEN
    EXECUTE 'GRANT EXECUTE ON FUNCTION pg_export_snapshot TO neon_superuser';
    EXECUTE 'GRANT EXECUTE ON FUNCTION pg_log_standby_snapshot TO neon_superuser';
  END IF;
END
$$
