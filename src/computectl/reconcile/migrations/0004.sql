GRANT pg_monitor TO neon_superuser WITH ADMIN OPTION
