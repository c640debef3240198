import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildApp } from '../../src/http/app.ts';

// openapi.json is generated (npm run openapi) and checked in, for the web client and integrators:
// this test fails when the API changed and the file was not regenerated.

test('the committed openapi.json is what the API serves', async () => {
  const app = await buildApp({ handle: { db: null as never, kind: 'pglite', location: '', pglite: null, pool: null, close: () => Promise.resolve() } });
  await app.ready();
  const committed = JSON.parse(readFileSync(new URL('../../openapi.json', import.meta.url), 'utf8')) as unknown;
  assert.deepEqual(app.swagger(), committed, 'run "npm run openapi" and commit openapi.json');
  await app.close();
});
