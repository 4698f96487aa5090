// The clock comes from perf_hooks, captured when the runtime loads: freezing the global
// performance.now (Jest's fake timers, a spy, a patched prototype) does not freeze the trace.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ROOT, runNode } from '../../../test/support/helpers.mjs';
import { FIXTURES } from './support/spawn.mjs';
import { instrumentedFile } from './support/instrument.mjs';

const RUNTIME = join(ROOT, 'packages', 'runtime', 'dist', 'index.js');
// Each spin waits until the monotonic clock has moved 2 ms, so the events it separates differ.
const PROGRAM = `
function spin() {
  const start = process.hrtime.bigint();
  while (process.hrtime.bigint() - start < 2000000n);
}
function work() {
  spin();
}
work();
work();
`;

for (const mode of ['replace-object', 'patch-method', 'patch-prototype']) {
  test(`recorded timestamps advance with the global performance.now frozen (${mode})`, () => {
    const ran = runNode([join(FIXTURES, 'frozen-clock.cjs'), RUNTIME, mode, instrumentedFile(PROGRAM)]);
    assert.equal(ran.status, 0, ran.stderr);
    const { globalNow, clockNow, times } = JSON.parse(ran.stdout);
    assert.equal(globalNow, 1000, 'the global clock is frozen');
    assert.equal(clockNow, true, "the runtime's clock is not");
    // module, work, spin, spin end, work end, work, spin, spin end, work end, module end
    assert.equal(times.length, 10);
    for (let i = 1; i < times.length; i++) assert.ok(times[i] >= times[i - 1], `time goes forward at event ${i}: ${times}`);
    assert.ok(times[3] - times[2] >= 1.9, `the first spin lasts its 2 ms: ${times}`);
    assert.ok(times[7] - times[6] >= 1.9, `the second spin lasts its 2 ms: ${times}`);
  });
}
