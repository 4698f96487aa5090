// `panopticon view TRACE`: hands a trace to Perfetto UI the way Perfetto's own helper
// (open_trace_in_ui) does. The UI may fetch from http://127.0.0.1:9001 only (its Content Security
// Policy), so a server there serves that one file, to the UI's origin only, and stops once it was
// fetched (unless --keep); a browser is opened at the UI with the file's URL when there is one.
import { spawn } from 'node:child_process';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { basename, delimiter, join, resolve } from 'node:path';
import { pipeline } from 'node:stream';

export const VIEW_HOST = '127.0.0.1';
export const VIEW_PORT = 9001;
/** Another port, for tests (run side by side, or beside a real `view`): the UI fetches from 9001 only. */
const port = (): number => Number(process.env.PANOPTICON_VIEW_PORT) || VIEW_PORT;
export const PERFETTO_ORIGIN = 'https://ui.perfetto.dev';

export interface ViewOptions {
  trace: string;
  /** Keep serving after the first fetch. */
  keep: boolean;
  /** Open a browser (not with --no-open, nor when PANOPTICON_NO_OPEN is set). */
  open: boolean;
}

function fail(message: string, status: number): never {
  process.stderr.write(`panopticon: view: ${message}\n`);
  process.exit(status);
}

export function viewCommand(options: ViewOptions, cwd = process.cwd()): void {
  const path = resolve(cwd, options.trace);
  if (!existsSync(path) || !statSync(path).isFile()) fail(`cannot find the trace ${options.trace} (${path})`, 2);
  const name = basename(path);
  const filePath = `/${encodeURIComponent(name)}`;
  const url = `${PERFETTO_ORIGIN}/#!/?url=http://${VIEW_HOST}:${port()}${filePath}`;

  const server = createServer((req, res) => {
    serve(req, res, path, filePath, () => {
      if (options.keep) return;
      process.stderr.write('panopticon: view: the trace was fetched; stopping (--keep serves it until Ctrl-C)\n');
      // Not closeAllConnections(): it could cut the response short while the client reads it; the
      // file's connection closes itself after the response (Connection: close).
      server.close();
      server.closeIdleConnections();
    });
  });
  server.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE') {
      fail(`port ${port()} on ${VIEW_HOST} is in use (another panopticon view, or Perfetto's trace_processor --httpd?); stop it and try again: Perfetto UI fetches traces from that port only`, 1);
    }
    fail(`cannot serve on ${VIEW_HOST}:${port()}: ${error.message}`, 1);
  });
  server.listen(port(), VIEW_HOST, () => {
    process.stdout.write(`${url}\n`);
    process.stderr.write(`panopticon: view: serving ${path} at http://${VIEW_HOST}:${port()}${filePath} to Perfetto UI; open the URL above${options.keep ? ' (Ctrl-C to stop)' : ''}\n`);
    if (options.open && !process.env.PANOPTICON_NO_OPEN) openBrowser(url);
  });
}

/** Answers one request; `fetched()` once a GET's response was sent whole. */
function serve(req: IncomingMessage, res: ServerResponse, path: string, filePath: string, fetched: () => void): void {
  res.setHeader('Access-Control-Allow-Origin', PERFETTO_ORIGIN);
  res.setHeader('Cache-Control', 'no-cache');
  const requested = (req.url ?? '').split('?')[0];
  if (requested !== filePath) {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
    return;
  }
  if (req.method === 'OPTIONS') {
    // The CORS preflight; Chrome asks a public page's requests to loopback for
    // Access-Control-Allow-Private-Network too (Private Network Access).
    res.writeHead(204, {
      'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS',
      'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? 'Content-Type',
      'Access-Control-Allow-Private-Network': 'true',
      'Access-Control-Max-Age': '600',
    });
    res.end();
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD, OPTIONS', 'Content-Type': 'text/plain' }).end('method not allowed\n');
    return;
  }
  let size: number;
  try {
    size = statSync(path).size;
  } catch (error) {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`${(error as Error).message}\n`);
    return;
  }
  res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(size), Connection: 'close' });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  // Fetched once every byte was sent. A client may close the connection as soon as it has them
  // all (Content-Length), before the file's end-of-stream ends the response: that counts too; a
  // fetch cut short does not.
  let sent = 0;
  const file = createReadStream(path).on('data', (chunk) => {
    sent += chunk.length;
  });
  pipeline(file, res, (error) => {
    if (!error || sent === size) fetched();
  });
}

/** The platform's opener, if any; none on Linux without a display (it might start a text browser). */
function opener(url: string): [string, string[]] | undefined {
  if (process.platform === 'darwin') return ['open', [url]];
  if (process.platform === 'win32') return ['cmd', ['/c', 'start', '""', url]];
  if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return undefined;
  const found = (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, 'xdg-open')));
  return found ? ['xdg-open', [url]] : undefined;
}

function openBrowser(url: string): void {
  const command = opener(url);
  if (command === undefined) return; // the URL is printed: that is enough
  const child = spawn(command[0], command[1], { stdio: 'ignore', detached: true });
  child.on('error', () => {}); // no browser after all: the printed URL stays
  child.unref();
}
