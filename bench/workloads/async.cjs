// The async workload: many small async functions awaiting each other, and a pipeline of async
// generators consumed with `for await`. No I/O and no timers, so a run is all microtasks and ends
// as soon as the last one has run; the plain helpers are there because real async code calls
// ordinary functions between its awaits.

// ---------------------------------------------------------------- a tree of async calls

function mix(a, b) {
  return (a * 31 + b) % 1000003;
}

async function leaf(seed) {
  return mix(seed, 7);
}

/** Awaits each of its `fanout` children in turn: every level suspends once per child. */
async function branch(depth, fanout, seed) {
  let acc = seed;
  for (let i = 0; i < fanout; i++) {
    const child = depth === 1 ? leaf(acc + i) : branch(depth - 1, fanout, acc + i);
    acc = mix(acc, await child);
  }
  return acc;
}

// ---------------------------------------------------------------- a generator pipeline

async function* source(count) {
  for (let i = 0; i < count; i++) yield i;
}

async function* map(items, f) {
  for await (const item of items) yield f(item);
}

async function* filter(items, keep) {
  for await (const item of items) {
    if (keep(item)) yield item;
  }
}

function square(x) {
  return (x * x) % 65521;
}

function isOdd(x) {
  return (x & 1) === 1;
}

async function consume(items) {
  let sum = 0;
  for await (const item of items) sum = mix(sum, item);
  return sum;
}

/** One run: the tree (depth levels of fanout children each), then the pipeline over `items`. */
async function run({ depth, fanout, items }) {
  const tree = await branch(depth, fanout, 1);
  const piped = await consume(filter(map(source(items), square), isOdd));
  return mix(tree, piped);
}

module.exports = run;
