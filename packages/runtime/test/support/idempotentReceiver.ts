import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for an outside system that honours Idempotency-Key, as payment and ERP APIs do:
 * the first request with a key acts, a repeat gets the same answer and acts not again.
 * It answers slowly, so a crash finds calls in flight.
 */
export async function startIdempotentReceiver(delayMs: number) {
  const deliveries: { path: string; key: string }[] = [];
  const acted = new Map<string, number>();
  let inFlight = 0;
  const server: Server = createServer((req, res) => {
    const key = String(req.headers['idempotency-key'] ?? '');
    req.resume();
    req.on('end', () => {
      deliveries.push({ path: req.url ?? '', key });
      if (!acted.has(key)) acted.set(key, 1);
      inFlight++;
      setTimeout(() => {
        inFlight--;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ accepted: key }));
      }, delayMs);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    deliveries,
    acted,
    /** Requests received and not yet answered. */
    inFlight: () => inFlight,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
