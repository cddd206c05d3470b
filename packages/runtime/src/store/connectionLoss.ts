/** SQLSTATE codes of a server going away: admin shutdown, crash shutdown, cannot connect now. */
const SHUTDOWN_CODES = new Set(['57P01', '57P02', '57P03']);
/** Node socket errors of a connection that was cut or never made. */
const SOCKET_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH']);
const MESSAGES = [
  /connection terminated/i,
  /connection ended unexpectedly/i,
  /not queryable/i,
  /client was closed/i,
  /timeout acquiring a connection/i,
  /terminating connection/i,
];

/**
 * Whether an error means the database connection was lost or could not be had (a failover, a
 * pooler restart, `pg_terminate_backend`), as opposed to a fault in the request: the same
 * request can succeed a moment later on a new connection.
 */
export function isConnectionLoss(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const e = error as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  if (SHUTDOWN_CODES.has(code) || code.startsWith('08') || SOCKET_CODES.has(code)) return true;
  if (e.name === 'KnexTimeoutError') return true;
  if (typeof e.message === 'string' && MESSAGES.some((m) => m.test(e.message as string))) return true;
  return e.cause !== undefined && e.cause !== error && isConnectionLoss(e.cause);
}
