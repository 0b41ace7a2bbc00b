DO {{outer}}
DECLARE
  doomed text := {{role}};
  granted_by text;
BEGIN
  -- Grants made by other roles on tables in public would keep DROP ROLE from succeeding.
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = 'public') THEN
    FOR granted_by IN
      SELECT DISTINCT g.grantor FROM information_schema.role_table_grants AS g WHERE g.grantee = doomed
    LOOP
      EXECUTE format('SET LOCAL ROLE %I', granted_by);
      EXECUTE format('REVOKE ALL PRIVILEGES ON ALL TABLES IN SCHEMA public FROM %I GRANTED BY %I', doomed, granted_by);
    END LOOP;
  END IF;
END
{{outer}}
