package computectl.http;

/**
 * Where {@code /database_schema} points {@code pg_dump}: host, port and user of {@code --connstr}.
 * {@code port} is null when the connection string names none; upstream then fails the request.
 */
public record PgDumpTarget(String host, Integer port, String user) {}
