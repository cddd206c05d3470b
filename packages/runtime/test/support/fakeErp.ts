import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

interface PurchaseOrder {
  poNumber: string;
  supplierId: string | null;
  currency: string;
  lines: { lineId: string; description: string | null; quantity: string; unitPrice: string }[];
}

/**
 * A fake ERP speaking the reference connector's REST API (docs/erp-connector.openapi.yaml) on
 * loopback. It checks the bearer token, acts on each `Idempotency-Key` once (a repeat gets the
 * first answer) and counts what it did. `down()` closes the port (connections refused),
 * `up()` opens the same port again; `loseAnswers(n)` acts on the next n posts but drops the
 * connection before answering, as a crash or a timeout between the ERP and us would.
 */
export function createFakeErp(options: { token: string }) {
  const purchaseOrders = new Map<string, PurchaseOrder>();
  const receipts = new Map<string, { receiptId: string; lineId: string; quantity: string }[]>();
  const suppliers = new Map<string, { supplierId: string; name: string; taxId: string | null; country: string | null; bankAccount: string | null }>();
  const byKey = new Map<string, { status: number; body: unknown }>();
  const invoices: { documentId: string; invoiceNumber: string; idempotencyKey: string }[] = [];
  const holds = new Map<string, { holdId: string; invoiceNumber: string; status: string }>();
  const counts = { requests: 0, posts: 0, replayed: 0, unauthorized: 0 };
  /** Every request, as `METHOD /path`. */
  const requests: string[] = [];
  let lose = 0;
  let server: Server | undefined;
  let port = 0;
  const sockets = new Set<Socket>();

  const send = (res: ServerResponse, status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

  function once(req: IncomingMessage, res: ServerResponse, act: () => { status: number; body: unknown }) {
    counts.posts++;
    const key = String(req.headers['idempotency-key'] ?? '');
    if (!key) return send(res, 400, { error: 'Idempotency-Key is required' });
    let answer = byKey.get(key);
    if (answer) counts.replayed++;
    else byKey.set(key, (answer = act()));
    if (lose > 0) {
      lose--;
      req.socket.destroy();
      return;
    }
    send(res, answer.status, answer.body);
  }

  function handle(req: IncomingMessage, res: ServerResponse, body: string) {
    counts.requests++;
    requests.push(`${req.method} ${new URL(req.url ?? '/', 'http://erp').pathname}`);
    if (req.headers.authorization !== `Bearer ${options.token}`) {
      counts.unauthorized++;
      return send(res, 401, { error: 'unauthorized' });
    }
    const url = new URL(req.url ?? '/', 'http://erp');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const input = body ? JSON.parse(body) : {};
    if (req.method === 'GET' && parts[0] === 'purchase-orders' && parts.length === 2) {
      const po = purchaseOrders.get(parts[1]);
      return po ? send(res, 200, po) : send(res, 404, { error: 'no such purchase order' });
    }
    if (req.method === 'GET' && parts[0] === 'purchase-orders' && parts[2] === 'receipts') return send(res, 200, receipts.get(parts[1]) ?? []);
    if (req.method === 'GET' && parts[0] === 'suppliers' && parts.length === 2) {
      const supplier = suppliers.get(parts[1]);
      return supplier ? send(res, 200, supplier) : send(res, 404, { error: 'no such supplier' });
    }
    if (req.method === 'POST' && url.pathname === '/invoices')
      return once(req, res, () => {
        const documentId = `DOC-${invoices.length + 1}`;
        invoices.push({ documentId, invoiceNumber: input.invoiceNumber, idempotencyKey: String(req.headers['idempotency-key']) });
        return { status: 201, body: { documentId, status: 'posted' } };
      });
    if (req.method === 'POST' && url.pathname === '/payment-holds')
      return once(req, res, () => {
        const holdId = `HOLD-${holds.size + 1}`;
        holds.set(holdId, { holdId, invoiceNumber: input.invoiceNumber, status: 'placed' });
        return { status: 201, body: { holdId, status: 'placed' } };
      });
    if (req.method === 'POST' && parts[0] === 'payment-holds' && parts[2] === 'release')
      return once(req, res, () => {
        const hold = holds.get(parts[1]);
        if (!hold) return { status: 404, body: { error: 'no such hold' } };
        hold.status = 'released';
        return { status: 200, body: { holdId: hold.holdId, status: 'released' } };
      });
    send(res, 404, { error: 'not found' });
  }

  async function up(): Promise<string> {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => handle(req, res, body));
    });
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    });
    await new Promise<void>((ready) => server!.listen(port, '127.0.0.1', ready));
    port = (server.address() as AddressInfo).port;
    return `http://127.0.0.1:${port}`;
  }

  async function down(): Promise<void> {
    const closing = server;
    server = undefined;
    if (!closing) return;
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((done) => closing.close(() => done()));
  }

  return {
    up,
    down,
    loseAnswers: (n: number) => void (lose = n),
    addPurchaseOrder: (po: PurchaseOrder, received: { receiptId: string; lineId: string; quantity: string }[] = []) => {
      purchaseOrders.set(po.poNumber, po);
      receipts.set(po.poNumber, received);
    },
    addSupplier: (s: { supplierId: string; name: string; taxId?: string; country?: string; bankAccount?: string }) =>
      suppliers.set(s.supplierId, { taxId: null, country: null, bankAccount: null, ...s }),
    invoices,
    holds,
    counts,
    requests,
  };
}
