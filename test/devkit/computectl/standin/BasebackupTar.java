package computectl.standin;

import computectl.spec.Lsn;

/**
 * A basebackup the stand-in pageserver serves: the tar bytes, the WAL range the backup needs
 * ({@code endLsn} is where a compute started from it begins, so the sync-safekeepers shim should
 * answer it), and the path of the marker table's data file inside the archive (empty when unknown).
 */
public record BasebackupTar(byte[] tar, Lsn startLsn, Lsn endLsn, String markerRelPath) {}
