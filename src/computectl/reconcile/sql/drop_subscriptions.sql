DO {{outer}}
DECLARE
  sub text;
BEGIN
  LOCK TABLE pg_subscription IN ACCESS EXCLUSIVE MODE;
  FOR sub IN
    SELECT s.subname FROM pg_catalog.pg_subscription AS s
    WHERE s.subdbid = (SELECT d.oid FROM pg_catalog.pg_database AS d WHERE d.datname = {{datname}})
  LOOP
    -- Detach from the publisher's slot first: the slot belongs to the parent branch.
    EXECUTE format('ALTER SUBSCRIPTION %I DISABLE', sub);
    EXECUTE format('ALTER SUBSCRIPTION %I SET (slot_name = NONE)', sub);
    EXECUTE format('DROP SUBSCRIPTION %I', sub);
  END LOOP;
END
{{outer}}
