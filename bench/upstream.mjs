// The upstream both targets call: a small JSON API on loopback. `/slow/…` paths answer after DELAY_MS
// (a remote API's latency). Usage: node bench/upstream.mjs PORT [DELAY_MS]
import { createServer } from 'node:http';

const port = Number(process.argv[2]);
const delayMs = Number(process.argv[3] ?? 20);
const item = JSON.stringify({ id: 42, name: 'Widget', price: 9.99, tags: ['a', 'b'], stock: 7 });

createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const answer = () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(item) });
      res.end(item);
    };
    if (req.url.startsWith('/slow/')) setTimeout(answer, delayMs);
    else answer();
  });
}).listen(port, '127.0.0.1', () => process.stdout.write('ready\n'));
