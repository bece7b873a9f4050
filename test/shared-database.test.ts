// Several Tessera stores (or test runs) may share one PostgreSQL database, one schema each. A
// neighbour dropping its schema while this store migrates must not fail this store's start: Kysely's
// migrator scans every schema of the database, and PostgreSQL raises "schema does not exist" for one
// dropped during the scan.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pg from 'pg';
import { openMetadataStore } from '../src/compose.ts';
import { validateConfig } from '../src/config.ts';
import { BACKEND, freshStore, uniqueName } from './helpers/test-app.ts';

const DATABASE_URL = process.env.TESSERA_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

describe(`a database shared with other stores [${BACKEND}]`, { skip: BACKEND !== 'postgres' && 'PostgreSQL only: SQLite has no schemas' }, () => {
  test('stores migrate while neighbouring schemas are created and dropped all along', async () => {
    const neighbour = new pg.Client({ connectionString: DATABASE_URL });
    await neighbour.connect();
    let churning = true;
    let dropped = 0;
    const churn = (async () => {
      while (churning) {
        const schema = uniqueName('tessera_neighbour');
        await neighbour.query(`CREATE SCHEMA "${schema}"`);
        await neighbour.query(`CREATE TABLE "${schema}".t (id int)`);
        await neighbour.query(`DROP SCHEMA "${schema}" CASCADE`);
        dropped += 1;
      }
    })();
    const stores = await Promise.all(Array.from({ length: 6 }, () => freshStore()));
    try {
      for (const store of stores) {
        const metadata = await openMetadataStore(validateConfig({ ...store.settings }));
        try {
          const { applied } = await metadata.migrate();
          assert.ok(applied.length >= 3, `every migration applied: ${applied.join(', ')}`);
          assert.equal(await metadata.organizations.count(), 0);
        } finally {
          await metadata.close();
        }
      }
      assert.ok(dropped > 0, 'neighbouring schemas were dropped during the migrations');
    } finally {
      churning = false;
      await churn;
      await neighbour.end();
      await Promise.all(stores.map((s) => s.drop()));
    }
  });
});
