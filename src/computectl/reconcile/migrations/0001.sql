ALTER ROLE neon_superuser BYPASSRLS
