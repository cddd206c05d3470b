import { Agent, createServer, get, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { answeredThenClosed } from './answeredThenClosed.js';

describe('answeredThenClosed', () => {
  it('a server stopping while a keep-alive request runs closes once it is answered, not after the keep-alive timeout', async () => {
    let release!: () => void;
    const answerable = new Promise<void>((r) => (release = r));
    let arrived!: () => void;
    const requestArrived = new Promise<void>((r) => (arrived = r));
    const server = createServer((_req, res) => {
      arrived();
      void answerable.then(() => res.end('ok'));
    });
    // far beyond the test's timeout: without the fix the server would wait it out
    server.keepAliveTimeout = 600_000;
    const answers = answeredThenClosed(server);
    await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
    const agent = new Agent({ keepAlive: true });
    const response = new Promise<IncomingMessage>((done) =>
      get({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, agent }, (res) => {
        res.resume();
        res.on('end', () => done(res));
      }),
    );
    await requestArrived;

    answers.closing();
    const closed = new Promise<void>((done) => server.close(() => done()));
    release();
    expect((await response).headers.connection).toBe('close');
    await closed;
    agent.destroy();
  });
});
