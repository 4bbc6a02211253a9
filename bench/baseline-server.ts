/**
 * The baseline: a minimal hand-written Fastify + pg server answering the same three requests as Portico with
 * the equivalent SQL, building JSON in JavaScript (`reply.send(rows)`), as a typical hand-written API does;
 * plus `/track-json`, the same list with its JSON built in PostgreSQL, as a reference.
 * Usage: node --import tsx bench/baseline-server.ts <port> <postgres-url>
 */
import Fastify from 'fastify';
import pg from 'pg';

const [port, url] = process.argv.slice(2);
const pool = new pg.Pool({ connectionString: url, max: 5 });
const app = Fastify();

app.get('/album/:id', async (request, reply) => {
  const { rows } = await pool.query('select album_id, title, artist_id from album where album_id = $1', [
    Number((request.params as { id: string }).id),
  ]);
  if (rows.length === 0) return reply.status(404).send({ message: 'not found' });
  return rows[0];
});

app.get('/track', async (request) => {
  const limit = Number((request.query as { __limit?: string }).__limit ?? 100);
  const { rows } = await pool.query(
    'select track_id, name, album_id, media_type_id, genre_id, composer, milliseconds, bytes, unit_price from track order by track_id limit $1',
    [limit],
  );
  return rows;
});

// The list again with its JSON built by PostgreSQL and passed through as text: not the baseline, but the
// ceiling of that technique on this machine, measured beside it (bench/table-api.ts reports it as a reference).
app.get('/track-json', async (request, reply) => {
  const limit = Number((request.query as { __limit?: string }).__limit ?? 100);
  const { rows } = await pool.query(
    "select coalesce(json_agg(t), '[]')::text as j from (select track_id, name, album_id, media_type_id, genre_id, composer, milliseconds, bytes, unit_price from track order by track_id limit $1) t",
    [limit],
  );
  return reply.type('application/json').send(rows[0].j);
});

app.get('/invoice/:id', async (request, reply) => {
  const id = Number((request.params as { id: string }).id);
  const invoice = await pool.query('select * from invoice where invoice_id = $1', [id]);
  if (invoice.rows.length === 0) return reply.status(404).send({ message: 'not found' });
  const row = invoice.rows[0];
  const customer = await pool.query('select * from customer where customer_id = $1', [row.customer_id]);
  const lines = await pool.query('select * from invoice_line where invoice_id = $1 order by invoice_line_id', [id]);
  return { ...row, customer: customer.rows[0] ?? null, invoice_line_items: lines.rows };
});

await app.listen({ port: Number(port), host: '127.0.0.1' });
process.stdout.write(`baseline listening on ${port}\n`);
