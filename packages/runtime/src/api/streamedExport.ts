import type { Response } from 'express';
import type { Log } from '../logging.js';

/** The HTTP trailer a streamed export ends with: `complete`, or `error` when the file is cut short. */
export const EXPORT_STATUS_TRAILER = 'Exflow-Export-Status';

/** What a streamed download is made of; `failed` is what it ends with instead of `tail` when it breaks. */
export interface StreamedExport {
  head: string;
  body: AsyncIterable<string>;
  tail: string;
  /** The marker that ends a file cut short, in the file's own syntax, so no reader takes it for a whole log. */
  failed(requestId: string | undefined): string;
}

/** Writes a chunk, waiting for the socket to drain when its buffer is full. */
async function write(res: Response, chunk: string): Promise<void> {
  if (chunk && !res.write(chunk)) await new Promise<void>((drained) => res.once('drain', drained));
}

/**
 * Streams a file download: `head`, each chunk of `body`, `tail`, then the trailer
 * `Exflow-Export-Status: complete`. Once the first byte is sent the status line can no longer
 * say that something failed, so a failure after that ends the file with `failed(...)` in place
 * of `tail` (a marker that leaves the file unparseable on purpose, with the request id to find
 * the logged error) and the trailer `error`, and closes the response normally instead of only
 * cutting the connection. A failure before the first byte throws, and becomes problem+json.
 * @example await streamExport(res, log, { head: '[', body: chunks(), tail: ']', failed: () => '\n!' });
 */
export async function streamExport(res: Response, log: Log | undefined, file: StreamedExport): Promise<void> {
  res.setHeader('Trailer', EXPORT_STATUS_TRAILER);
  let started = false;
  try {
    const iterator = file.body[Symbol.asyncIterator]();
    // the first chunk is read before anything is sent: a query that fails at once is still a 500
    let next = await iterator.next();
    started = true;
    await write(res, file.head);
    while (!next.done) {
      await write(res, next.value);
      next = await iterator.next();
    }
  } catch (error) {
    if (!started) {
      res.removeHeader('Trailer'); // the problem+json answer has a length, and trailers need a chunked body
      throw error;
    }
    const requestId = res.getHeader('X-Request-Id')?.toString();
    log?.('export failed after its first byte; the file ends with a marker', {
      path: res.req.originalUrl.split('?')[0],
      error: error instanceof Error ? error.stack : String(error),
    });
    res.addTrailers({ [EXPORT_STATUS_TRAILER]: 'error' });
    res.end(file.failed(requestId));
    return;
  }
  res.addTrailers({ [EXPORT_STATUS_TRAILER]: 'complete' });
  res.end(file.tail);
}
