// Jest's test events as spans of the recorder: each test a slice named by its full name, its
// beforeEach/afterEach hooks and the code they and the test run nested inside; beforeAll/afterAll
// hooks slices of their own. Spans stay open across awaits, so the async code a test awaits nests
// inside it too (see Recorder.openSpan).
//
// A test's span opens at `test_started` (after circus decided it runs: skipped and todo tests
// get none) and closes at `test_done`. Concurrent tests (`test.concurrent`) run interleaved, and
// slices must nest, so a batch of them is one slice whose args list the tests.
import type { Circus } from '@jest/types';
import { SideKind, type Recorder } from '@panopticon/runtime';
import { errorMessage } from './errors';
import { declaredAt, UNKNOWN } from './location';
import { SliceArgsTable, type SliceArgs } from './slice-args';

type Kind = 'test' | 'hook' | 'concurrent';

interface OpenSpan {
  kind: Kind;
  frame: number;
}

/** What a slice is registered as: its name and where it was declared. */
interface Entry {
  id: number;
  name: string;
  file: string;
  line: number;
  col: number;
}

export class TestSpans {
  readonly args = new SliceArgsTable();
  private readonly open: OpenSpan[] = [];
  private readonly entries = new Map<string, Entry>();
  /** The running batch of concurrent tests: their names and which failed. */
  private batch: { tests: string[]; failed: string[] } | null = null;

  /**
   * @param testFile the test file as the trace names it
   * @param display a file as the trace names it (relative to the root dir)
   */
  constructor(
    private readonly recorder: Recorder,
    private readonly testFile: string,
    private readonly display: (absolutePath: string) => string,
    /**
     * The recorder is the process's (under `panopticon -- jest`): no file of this environment's to
     * annotate, so each span's args go into the recording as side events, written with its slice.
     */
    private readonly argsAsSideEvents = false,
  ) {}

  handle(event: Circus.Event): void {
    switch (event.name) {
      case 'test_started':
        if (this.batch === null) this.openSpan('test', this.entry(fullName(event.test), event.test.asyncError));
        break;
      case 'test_done':
        this.testDone(event.test);
        break;
      case 'hook_start':
        if (this.batch === null) this.openSpan('hook', this.entry(hookName(event.hook), event.hook.asyncError));
        break;
      case 'hook_success':
      case 'hook_failure':
        if (this.batch === null) {
          const entry = this.entry(hookName(event.hook), event.hook.asyncError);
          this.closeSpan('hook', entry, event.name === 'hook_failure' ? failed([event.error]) : { status: 'passed' });
        }
        break;
      case 'concurrent_tests_start':
        this.batch = { tests: [], failed: [] };
        this.openSpan('concurrent', this.entry(`${blockPath(event.describeBlock) || 'concurrent'} (concurrent tests)`, null));
        break;
      case 'concurrent_tests_end':
        if (this.batch !== null) {
          const { tests, failed: failures } = this.batch;
          this.batch = null;
          const entry = this.entry(`${blockPath(event.describeBlock) || 'concurrent'} (concurrent tests)`, null);
          this.closeSpan('concurrent', entry, { tests, failed: failures, status: failures.length > 0 ? 'failed' : 'passed' });
        }
        break;
      case 'teardown':
        this.closeAll();
        break;
    }
  }

  /** Closes whatever is still open (a run cut short), so every slice ends before the trace does. */
  closeAll(): void {
    if (this.open.length > 0) this.recorder.closeSpan(this.open[0].frame);
    this.open.length = 0;
  }

  private testDone(test: Circus.TestEntry): void {
    const name = fullName(test);
    if (this.batch !== null) {
      this.batch.tests.push(name);
      if (test.errors.length > 0) this.batch.failed.push(name);
      return;
    }
    const args: SliceArgs = test.errors.length > 0 ? failed(test.errors) : { status: 'passed' };
    if (test.invocations > 1) args.attempt = test.invocations;
    this.closeSpan('test', this.entry(name, test.asyncError), args);
  }

  /**
   * The entry of a test or hook, registered at its first run. `declaredBy` is circus's error made
   * where it was declared; a hook that Jest declared itself is named so.
   */
  private entry(baseName: string, declaredBy: unknown): Entry {
    const at = declaredBy === null ? UNKNOWN : declaredAt(declaredBy);
    const name = at.file === null && declaredBy !== null ? `${baseName} (Jest)` : baseName;
    const file = at.file === null ? this.testFile : this.display(at.file);
    const key = `${name}\0${file}\0${at.line}\0${at.col}`;
    let entry = this.entries.get(key);
    if (entry === undefined) {
      entry = { id: this.recorder.register(file, [name, at.line, at.col]), name, file, line: at.line, col: at.col };
      this.entries.set(key, entry);
    }
    return entry;
  }

  private openSpan(kind: Kind, entry: Entry): void {
    const frame = this.recorder.openSpan(entry.id);
    if (frame !== 0) this.open.push({ kind, frame });
  }

  /**
   * Closes the innermost open span of `kind` and any left open inside it (a hook whose end
   * circus never reported), and queues the args of its slice.
   */
  private closeSpan(kind: Kind, entry: Entry, args: SliceArgs): void {
    let at = this.open.length - 1;
    while (at >= 0 && this.open[at].kind !== kind) at--;
    if (at < 0) return;
    const frame = this.open[at].frame;
    if (!this.argsAsSideEvents) this.args.add(entry.name, entry.file, entry.line, entry.col, args);
    // at the span's own depth (a frame left open inside it would take them instead)
    else if (this.recorder.depth === frame) this.recorder.addSide?.(SideKind.Return, sidePairs(args));
    this.recorder.closeSpan(frame);
    this.open.length = at;
  }
}

/** A span's args as the [key, value, ...] strings a side event's slice takes. */
function sidePairs(args: SliceArgs): string[] {
  const pairs: string[] = [];
  for (const [key, value] of Object.entries(args)) pairs.push(key, typeof value === 'string' ? value : JSON.stringify(value));
  return pairs;
}

function failed(errors: ReadonlyArray<unknown>): SliceArgs {
  return { status: 'failed', failed: true, error: errorMessage(errors) };
}

/** The describe blocks' names, outermost first, without circus's root block. */
function blockPath(block: Circus.DescribeBlock | undefined): string {
  const names: string[] = [];
  for (let b = block; b !== undefined && b.parent !== undefined; b = b.parent) names.unshift(String(b.name));
  return names.join(' > ');
}

/** `describe > describe > test`. */
export function fullName(test: Circus.TestEntry): string {
  const path = blockPath(test.parent);
  return path === '' ? String(test.name) : `${path} > ${String(test.name)}`;
}

/** `beforeEach`; a beforeAll/afterAll hook, at the top level of the trace, also names its block. */
function hookName(hook: Circus.Hook): string {
  if (hook.type === 'beforeEach' || hook.type === 'afterEach') return hook.type;
  const path = blockPath(hook.parent);
  return path === '' ? hook.type : `${hook.type} (${path})`;
}

// panopticon-ignore-file: the tracer's own code is not traced (under `panopticon -- jest` it would
// be, when not installed under node_modules, and its frames would close the spans it opens).
