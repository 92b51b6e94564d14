import { openDatabase } from '/work/main/src/storage/database.ts';
import pg from 'pg';
const url = 'postgres://postgres@127.0.0.1:5432/test';
let failures = 0;
for (let round = 0; round < 5; round++) {
  const schema = `t_race_${round}_${Date.now()}`;
  const results = await Promise.allSettled(Array.from({ length: 4 }, () => openDatabase(url, { schema, poolSize: 2 })));
  for (const r of results) if (r.status === 'rejected') { failures++; console.log(String(r.reason).slice(0, 200)); } else await r.value.close();
  const c = new pg.Client({ connectionString: url }); await c.connect(); await c.query(`drop schema ${schema} cascade`); await c.end();
}
console.log('failures', failures);
