// The upstream both targets call: a small JSON API on loopback. Usage: node bench/upstream.mjs PORT
import { createServer } from 'node:http';

const port = Number(process.argv[2]);
const item = JSON.stringify({ id: 42, name: 'Widget', price: 9.99, tags: ['a', 'b'], stock: 7 });

createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(item) });
    res.end(item);
  });
}).listen(port, '127.0.0.1', () => process.stdout.write('ready\n'));
