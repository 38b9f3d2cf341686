// Baseline B: a bare Fastify pass-through to the upstream on a keep-alive undici pool (no auth, policy,
// validation or audit). Usage: node bench/baseline.mjs PORT UPSTREAM_URL
import Fastify from 'fastify';
import { Pool } from 'undici';

const [port, upstream] = [Number(process.argv[2]), process.argv[3]];
const pool = new Pool(upstream, { connections: 64, pipelining: 1 });
const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });

async function pass(path, reply) {
  const response = await pool.request({ method: 'GET', path });
  const body = await response.body.text();
  reply.code(response.statusCode).header('content-type', 'application/json').send(body);
}

app.post('/proxy/:id', (request, reply) => pass(`/items/${request.params.id}`, reply));
app.post('/proxy/slow/:id', (request, reply) => pass(`/slow/items/${request.params.id}`, reply));

await app.listen({ port, host: '127.0.0.1' });
process.stdout.write('ready\n');
