// The seed's async example: a generator yields the characters of a greeting, and an async
// function prints them one by one, sleeping 2 ms after each. In the trace, printSlowly is one
// chain of slices linked by arrows (one slice per run between awaits), genText is another (one
// slice per character), and each sleep is a short instance of its own.
function* genText(): Generator<string, void, undefined> {
  for (const ch of 'Hello, world!') yield ch;
}

async function sleep(ms: number): Promise<void> {
  await new Promise<void>((resolve) => setTimeout(resolve, ms));
}

async function printSlowly(): Promise<void> {
  for (const ch of genText()) {
    process.stdout.write(ch);
    await sleep(2);
  }
  process.stdout.write('\n');
}

printSlowly();
