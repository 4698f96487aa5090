// The seed's async example (examples/async-hello.js and .ts): printSlowly is one chain of a slice
// per character plus the last, genText one chain of a slice per character plus its return, and
// each sleep() a short instance of two slices.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describeChains, times, tracedOnce } from './support.mjs';

const CHARACTERS = 'Hello, world!'.length;

for (const ext of ['js', 'ts']) {
  test(`async-hello.${ext}: printSlowly, genText and every sleep are chains of their own`, async () => {
    const { stdout, chains } = await tracedOnce(join('examples', `async-hello.${ext}`), join('examples', 'async-hello.js'));
    assert.equal(stdout, 'Hello, world!\n');
    const sleep = 'sleep: first run>await, await fulfilled>return';
    assert.deepEqual(describeChains(chains), [
      `printSlowly: first run>await, ${times(CHARACTERS - 1, 'await fulfilled>await').join(', ')}, await fulfilled>return`,
      `genText: first run>yield, ${times(CHARACTERS - 1, 'next>yield').join(', ')}, next>return`,
      ...times(CHARACTERS, sleep),
    ]);
    const [printSlowly, genText] = chains;
    assert.ok(printSlowly.slices.length >= 14 && genText.slices.length === 14);
    // each character: genText yields it inside printSlowly's slice, then sleep starts there too
    for (let i = 0; i < CHARACTERS; i++) {
      const owner = printSlowly.slices[i];
      const inside = (s) => s.ts >= owner.ts && s.ts + s.dur <= owner.ts + owner.dur && s.depth === owner.depth + 1;
      assert.ok(inside(genText.slices[i]), `genText slice ${i} runs inside printSlowly slice ${i}`);
      assert.ok(inside(chains[2 + i].slices[0]), `sleep ${i} first runs inside printSlowly slice ${i}`);
    }
  });
}
