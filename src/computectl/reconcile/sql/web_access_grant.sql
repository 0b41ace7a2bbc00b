    IF EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'web_access') THEN
      GRANT CREATE ON SCHEMA public TO web_access;
    END IF;
