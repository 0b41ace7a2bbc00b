DO {{outer}}
BEGIN
  -- A template database cannot be dropped; a retry may find the database gone already.
  IF EXISTS (SELECT 1 FROM pg_catalog.pg_database WHERE datname = {{datname}}) THEN
    EXECUTE format('ALTER DATABASE %I is_template false', {{datname}});
  END IF;
END
{{outer}}
