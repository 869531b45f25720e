/**
 * Embedded PostgreSQL for the default run: PGlite (Postgres compiled to WASM) with its
 * data under DATA_DIR/pglite, served over the Postgres wire protocol so Prisma's pg
 * adapter, the schema and the migrations are exactly those of a real PostgreSQL.
 *
 * Runs as its own process (PGlite is single-threaded; queries must not stall the API's
 * or the worker's event loop). Usage: pglite-server <dataDir> <port> [host]
 * Prints "PGLITE_READY host:port" on stdout once it accepts connections.
 *
 * Why not PGLiteSocketServer from @electric-sql/pglite-socket: PGlite has ONE backend
 * session, and that server interleaves the extended-protocol messages (Parse, Bind,
 * Execute, Sync) of different connections, which corrupts the unnamed statement/portal
 * under concurrency ("portal \"\" does not exist", rows of another client). Here a
 * connection owns the backend from its first message until the backend reports
 * ReadyForQuery with status Idle — i.e. for a whole extended-protocol round trip and
 * for a whole transaction — while other connections wait their turn.
 */
import fs from 'node:fs';
import net from 'node:net';
import { PGlite } from '@electric-sql/pglite';

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
/** A client idle inside a transaction longer than this is disconnected (its transaction rolls back). */
const IDLE_IN_TRANSACTION_MS = 60_000;

/** FIFO mutex over the single PGlite backend session. */
class SessionLock {
  private tail: Promise<void> = Promise.resolve();
  acquire(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((r) => (release = r));
    const ready = this.tail.then(() => release);
    this.tail = this.tail.then(() => next);
    return ready;
  }
}

class Connection {
  private buffer = Buffer.alloc(0);
  private startupDone = false;
  private release: (() => void) | null = null;
  private txStatus = 'I';
  private chain: Promise<void> = Promise.resolve();
  private idleTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly socket: net.Socket,
    private readonly db: PGlite,
    private readonly lock: SessionLock,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.chain = this.chain.then(() => this.drain()).catch((err) => this.fail(err));
    });
    socket.on('error', () => undefined);
    socket.on('close', () => void this.onClose());
  }

  /** Split the buffer into complete protocol messages and run them in order. */
  private async drain(): Promise<void> {
    for (;;) {
      if (this.closed) return;
      if (!this.startupDone) {
        if (this.buffer.length < 8) return;
        const len = this.buffer.readInt32BE(0);
        const code = this.buffer.readInt32BE(4);
        if (this.buffer.length < len) return;
        const msg = this.buffer.subarray(0, len);
        this.buffer = this.buffer.subarray(len);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
          this.socket.write('N');
          continue;
        }
        if (code === CANCEL_REQUEST) {
          this.socket.end();
          return;
        }
        this.startupDone = true;
        await this.exec(msg);
        continue;
      }
      // Every complete message received so far goes to the backend in one call (a query's
      // Parse/Bind/Describe/Execute/Sync usually arrive together): one WASM round trip, not five.
      let end = 0;
      let terminate = false;
      while (end + 5 <= this.buffer.length) {
        if (this.buffer[end] === 0x58 /* 'X' Terminate */) {
          terminate = true;
          break;
        }
        const len = this.buffer.readInt32BE(end + 1) + 1;
        if (end + len > this.buffer.length) break;
        end += len;
      }
      if (end > 0) {
        const batch = this.buffer.subarray(0, end);
        this.buffer = this.buffer.subarray(end);
        await this.exec(batch);
        continue;
      }
      if (terminate) this.socket.end();
      return;
    }
  }

  private async exec(msg: Buffer): Promise<void> {
    if (!this.release) this.release = await this.lock.acquire();
    if (this.idleTimer) clearTimeout(this.idleTimer);
    const out = await this.db.execProtocolRaw(new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength));
    const status = lastReadyForQuery(out);
    if (status) this.txStatus = status;
    if (!this.closed && out.length) this.socket.write(out);
    if (status === 'I') {
      this.releaseLock();
    } else if (status) {
      this.idleTimer = setTimeout(() => this.socket.destroy(), IDLE_IN_TRANSACTION_MS);
    }
  }

  private releaseLock(): void {
    const release = this.release;
    this.release = null;
    release?.();
  }

  private fail(err: unknown): void {
    process.stderr.write(`pglite-server: connection error: ${err instanceof Error ? err.message : String(err)}\n`);
    this.socket.destroy();
  }

  private async onClose(): Promise<void> {
    this.closed = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    await this.chain.catch(() => undefined);
    if (this.release) {
      // The client went away mid-round-trip or mid-transaction: end it cleanly.
      if (this.txStatus !== 'I') await this.db.exec('ROLLBACK').catch(() => undefined);
      this.releaseLock();
    }
  }
}

/** The status byte of the last ReadyForQuery ('Z') message in a backend response, if any. */
function lastReadyForQuery(out: Uint8Array): string | null {
  let status: string | null = null;
  let i = 0;
  while (i + 5 <= out.length) {
    const type = out[i];
    const len = ((out[i + 1] << 24) | (out[i + 2] << 16) | (out[i + 3] << 8) | out[i + 4]) >>> 0;
    if (type === 0x5a /* 'Z' */ && len === 5) status = String.fromCharCode(out[i + 5]);
    i += 1 + len;
  }
  return status;
}

async function main(): Promise<void> {
  const [dataDir, portArg, host = '127.0.0.1'] = process.argv.slice(2);
  if (!dataDir || !portArg) throw new Error('usage: pglite-server <dataDir> <port> [host]');
  fs.mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  const lock = new SessionLock();
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    new Connection(socket, db, lock);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(portArg), host, resolve);
  });
  const addr = server.address() as net.AddressInfo;
  process.stdout.write(`PGLITE_READY ${addr.address}:${addr.port}\n`);

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    server.close();
    for (const s of sockets) s.destroy();
    // Wait for the backend to finish what it is doing, then close (flushes the data dir).
    const release = await lock.acquire();
    await db.close().catch(() => undefined);
    release();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  process.on('disconnect', () => void stop());
}

main().catch((err) => {
  process.stderr.write(`pglite-server: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
