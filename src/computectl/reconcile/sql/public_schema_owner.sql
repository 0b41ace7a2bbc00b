DO {{outer}}
DECLARE
  current_owner text;
BEGIN
  SELECT nspowner::regrole::text INTO current_owner FROM pg_catalog.pg_namespace WHERE nspname = 'public';
  -- Only a public schema still owned by the admin is handed over to the database owner.
  IF current_owner IN ('cloud_admin', 'zenith_admin') THEN
    EXECUTE format('ALTER SCHEMA public OWNER TO %I', {{owner}});
  END IF;
END
{{outer}}
