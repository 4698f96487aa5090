// Modules with top-level await: each module is a chain of its own, an imported one finishing
// before its importer starts, and a module that fails after its await ends its chain by "throw".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { FIXTURES, describeChains, tracedOnce } from './support.mjs';
import { slicesOf } from '../support/helpers.mjs';

const traced = tracedOnce(join(FIXTURES, 'tla', 'main.mjs'));
const dir = 'test/coroutines/fixtures/tla';

test('each module with top-level await is one chain; the imported one completes first', async () => {
  const { stdout, chains } = await traced;
  assert.equal(stdout, 'dep evaluated\ncaught: module failed after its await\nlater\n');
  const [dep, main] = chains;
  assert.equal(describeChains([dep])[0], `${dir}/dep.mjs: first run>await, await fulfilled>return`);
  assert.equal(describeChains([main])[0], `${dir}/main.mjs: first run>await, await rejected>await, await fulfilled>return`);
  assert.ok(main.slices[0].ts >= dep.slices[1].ts + dep.slices[1].dur, 'the importer runs after its import finished');
});

// The module's top level cannot sit in a try (imports and exports stay at the top), so when it
// throws after an await no hook ends its running slice. The recorder closes it at the next await
// resumption (which always starts on an empty stack), as ended by "throw".
test('a module that throws after its await ends its chain by "throw" and leaves nothing open', async () => {
  const { chains, model } = await traced;
  const failed = chains.find((c) => c.name === `${dir}/fails.mjs`);
  assert.equal(describeChains([failed])[0], `${dir}/fails.mjs: first run>await, await fulfilled>throw`);
  assert.deepEqual(slicesOf(model).filter((s) => s.args.unfinished), []);
  const main = chains.find((c) => c.name === `${dir}/main.mjs`);
  const later = chains.find((c) => c.name === 'later');
  assert.equal(later.slices[0].depth, main.slices[1].depth + 1, 'later() first runs inside the module\'s slice');
});
