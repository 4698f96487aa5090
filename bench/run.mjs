// `npm run bench`: the cost per traced call of the recorder, against plain code and against a
// minimal reference tracer, on a call-heavy, a realistic and an async workload. Prints figures,
// never fails on them (timings on a shared machine are not pass/fail material). See README.md.
//
//   node bench/run.mjs [fib] [acorn] [async] [--rounds=N] [--no-args]
import { loadModes } from './lib/modes.mjs';
import { interleave, clockCost } from './lib/measure.mjs';
import { WORKLOADS } from './lib/workloads.mjs';
import { printWorkload, printClock } from './lib/report.mjs';
import { loadArgsModes, printArgs } from './lib/args-modes.mjs';

const args = process.argv.slice(2);
const roundsArg = args.find((a) => a.startsWith('--rounds='));
const rounds = roundsArg ? Number(roundsArg.slice('--rounds='.length)) : 15;
const names = args.filter((a) => !a.startsWith('--'));
const withArgs = !args.includes('--no-args');
const selected = names.length > 0 ? names : Object.keys(WORKLOADS);

console.log(`panopticon bench: node ${process.version}, ${rounds} rounds per workload, medians\n`);
printClock(clockCost());

for (const name of selected) {
  const make = WORKLOADS[name];
  if (!make) throw new Error(`no workload "${name}" (there are: ${Object.keys(WORKLOADS).join(', ')})`);
  const workload = make();
  const { perRun, modes, wakeups } = await loadModes({ ...workload, calibrate: workload.run });
  const { times, counts } = await interleave(modes, workload.run, { rounds, warmup: 3 });
  // Last: once V8's promise hooks have been on, every promise stays slower (see modes.mjs).
  const woken = wakeups ? await interleave(wakeups, workload.run, { rounds, warmup: 3 }) : null;
  printWorkload(workload, { perRun, counts, times, rounds, woken });
  if (withArgs) {
    // After the others (its garbage and its own classes stay out of their rounds).
    // At most 5 rounds: a run recording values is 5-60x slower (acorn keeps GBs of them).
    const argsRounds = Math.min(rounds, 5);
    const argsRun = await interleave(loadArgsModes(workload, modes), workload.run, { rounds: argsRounds, warmup: 1 });
    const median = (t) => [...t].sort((a, b) => a - b)[t.length >> 1];
    const referenceOverheadNs = ((median(times.reference) - median(times.plain)) / perRun.calls) * 1e6;
    printArgs({ ...argsRun, calls: perRun.calls, referenceOverheadNs });
    console.log(`  (${argsRounds} rounds)`);
    console.log('');
  }
}

// Again at the end: the clock's cost can drift with what the machine is doing.
printClock(clockCost());
