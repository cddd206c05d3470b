import type { Server, ServerResponse } from 'node:http';

/**
 * Lets a stopping server end as soon as its last request under way is answered. `server.close()`
 * closes idle keep-alive sockets, but a socket whose request is still running would stay open for
 * the whole keep-alive timeout (65 s) after its answer; `closing()` marks every answer not yet
 * sent with `Connection: close`, so its socket ends with it.
 * @example const answered = answeredThenClosed(server); … answered.closing(); server.close();
 */
export function answeredThenClosed(server: Server): { closing(): void } {
  const underWay = new Set<ServerResponse>();
  let stopping = false;
  server.on('request', (_req, res: ServerResponse) => {
    if (stopping) res.shouldKeepAlive = false;
    underWay.add(res);
    res.on('close', () => underWay.delete(res));
  });
  return {
    closing() {
      stopping = true;
      for (const res of underWay) if (!res.headersSent) res.shouldKeepAlive = false;
    },
  };
}
