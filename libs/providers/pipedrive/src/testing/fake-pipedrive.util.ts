import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { type AddressInfo } from 'node:net';

/** One request the fake received, as sent. */
export interface FakePipedriveRequest {
  method: string;
  path: string;
  query: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/**
 * A scripted answer for the next request: a status/body/headers, `drop` (the socket is destroyed before any
 * answer), `hang` (never answered; `closedByClient` counts the ones the client gave up on) or `{ spoil }`.
 */
export type FakePipedriveAnswer = FakeReply | FakePipedriveSpoil | 'drop' | 'hang';

/**
 * The request is carried out as usual (a create really stores the record), then its answer is spoiled:
 * `oversize` pads the JSON past 3 MB, `cut` sends the status and headers then destroys the socket,
 * `not-json` answers HTML, `no-record` answers `{ success: true }` without `data`.
 */
export interface FakePipedriveSpoil {
  spoil: 'oversize' | 'cut' | 'not-json' | 'no-record';
}

interface FakeReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

type Json = Record<string, unknown>;

const ERROR_INFO = 'Please check developers.pipedrive.com for more information about Pipedrive API.';

/**
 * A local stand-in for the Pipedrive v1 API (`/api/v1/deals`, `/api/v1/persons`) with the same contract:
 * `x-api-token` auth (401 otherwise), `{ success, data }` answers, `{ success: false, error, error_info }`
 * errors, 201 on create, 404 for unknown deals, 400 when a required field is missing. Scripted answers
 * (`script`) let tests inject 429/5xx/dropped connections. For tests only.
 */
export class FakePipedrive {
  readonly requests: FakePipedriveRequest[] = [];
  readonly deals = new Map<number, Json>();
  readonly persons = new Map<number, Json>();
  private readonly scripted: FakePipedriveAnswer[] = [];
  /** Hung requests whose connection the client closed. */
  closedByClient = 0;
  private server?: Server;
  private nextId = 1;

  constructor(readonly apiToken = 'fake-pipedrive-token') {}

  /** Starts on a random local port; resolves to the API root to use as PIPEDRIVE_BASE_URL. */
  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((done) => this.server!.listen(0, '127.0.0.1', done));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((done) => (this.server ? this.server.close(() => done()) : done()));
  }

  /** The next requests get these answers, in order, before the normal behaviour resumes. */
  script(...answers: FakePipedriveAnswer[]): void {
    this.scripted.push(...answers);
  }

  reset(): void {
    this.requests.length = 0;
    this.scripted.length = 0;
    this.closedByClient = 0;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake');
    const body: unknown = text ? JSON.parse(text) : undefined;
    this.requests.push({
      method: req.method ?? '',
      path: url.pathname,
      query: url.search,
      headers: req.headers,
      body,
    });
    const scripted = this.scripted.shift();
    if (scripted === 'drop') return void req.socket.destroy();
    if (scripted === 'hang') return void res.on('close', () => (this.closedByClient += 1));
    const routed = () => this.route(req.method ?? '', url.pathname, req.headers, body as Json);
    if (scripted && 'spoil' in scripted) return spoilAnswer(req, res, routed(), scripted.spoil);
    const answer = scripted ?? routed();
    res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
  }

  private route(method: string, path: string, headers: IncomingHttpHeaders, body: Json): FakeReply {
    if (headers['x-api-token'] !== this.apiToken) {
      return fail(401, 'unauthorized access', { errorCode: 401 });
    }
    const deal = path.match(/^\/api\/v1\/deals\/(\d+)$/);
    if (method === 'POST' && path === '/api/v1/deals') {
      if (typeof body?.title !== 'string' || !body.title) return fail(400, 'Deal title must be given.');
      return this.create(
        this.deals,
        { currency: 'EUR', value: 0, status: 'open', stage_id: 1, ...body },
        201,
      );
    }
    if (method === 'POST' && path === '/api/v1/persons') {
      if (typeof body?.name !== 'string' || !body.name) return fail(400, 'Person name must be given.');
      return this.create(this.persons, body, 201);
    }
    if (deal && (method === 'GET' || method === 'PUT')) {
      const existing = this.deals.get(Number(deal[1]));
      if (!existing) return fail(404, 'Deal not found');
      if (method === 'PUT') Object.assign(existing, body);
      return { status: 200, body: { success: true, data: existing } };
    }
    return fail(404, 'Unknown method .');
  }

  private create(store: Map<number, Json>, fields: Json, status: number): FakeReply {
    const record = { ...fields, id: this.nextId++, add_time: '2026-01-01 00:00:00' };
    store.set(record.id, record);
    return { status, body: { success: true, data: record, additional_data: null, related_objects: {} } };
  }
}

function fail(status: number, error: string, extra: Json = {}): FakeReply {
  return { status, body: { success: false, error, error_info: ERROR_INFO, data: null, ...extra } };
}

function spoilAnswer(
  req: IncomingMessage,
  res: ServerResponse,
  answer: FakeReply,
  spoil: FakePipedriveSpoil['spoil'],
): void {
  if (spoil === 'cut') {
    res.writeHead(answer.status, { 'content-type': 'application/json', 'content-length': '1000' });
    return void res.write('', () => req.socket.destroy());
  }
  if (spoil === 'not-json') {
    res.writeHead(answer.status, { 'content-type': 'text/html' });
    return void res.end('<html><body>Done</body></html>');
  }
  const body =
    spoil === 'oversize' ? { ...(answer.body as Json), padding: 'x'.repeat(3 << 20) } : { success: true };
  res.writeHead(answer.status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
