DO $$
DECLARE
  r record;
BEGIN
  -- Members of neon_superuser must inherit its rights; nobody else may bypass row security.
  FOR r IN
    SELECT rolname, pg_has_role(rolname, 'neon_superuser', 'member') AS privileged
    FROM pg_catalog.pg_roles
    WHERE pg_has_role(rolname, 'neon_superuser', 'member') OR NOT starts_with(rolname, 'pg_')
  LOOP
    IF r.privileged THEN
      RAISE NOTICE 'running ALTER ROLE % INHERIT', quote_ident(r.rolname);
      EXECUTE 'ALTER ROLE ' || quote_ident(r.rolname) || ' INHERIT';
    ELSE
      RAISE NOTICE 'running ALTER ROLE % NOBYPASSRLS', quote_ident(r.rolname);
      EXECUTE 'ALTER ROLE ' || quote_ident(r.rolname) || ' NOBYPASSRLS';
    END IF;
  END LOOP;
END
$$
