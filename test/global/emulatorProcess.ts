import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { get } from 'node:http';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import type { EmulatorSpec } from './emulatorSpecs';
import { freeLoopbackPort } from './freePort';
import { stopProcessGroup } from './processGroup';
import { LOOPBACK } from './testEnv';

export interface RunningEmulator {
  readonly id: EmulatorSpec['id'];
  readonly hostEnvVar: EmulatorSpec['hostEnvVar'];
  /** `127.0.0.1:port`, the form the *_EMULATOR_HOST variables take. */
  readonly host: string;
  /** Process group id (= the launcher's pid); stop the whole group, never just this pid. */
  readonly pgid: number;
  readonly logFile: string;
}

const POLL_MS = 150;
const LOG_TAIL_CHARS = 4_000;

/**
 * Starts one emulator and resolves once it answers HTTP. Output goes to a log file rather than a pipe:
 * nobody drains a pipe after start-up, and the Pub/Sub emulator logs every connection, so a full pipe
 * would eventually block it mid-test.
 */
export async function startEmulator(
  spec: EmulatorSpec,
  binary: string,
  logDir: string,
  timeoutMs: number,
): Promise<RunningEmulator> {
  const port = await freeLoopbackPort();
  const logFile = path.join(logDir, `${spec.id}.log`);
  const log = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(binary, spec.args(port), { detached: true, stdio: ['ignore', log, log] });
  } finally {
    closeSync(log);
  }
  // jest must not wait for the emulator to exit on its own; teardown stops it.
  child.unref();

  const command = [binary, ...spec.args(port)].join(' ');
  try {
    await waitUntilAnswering(`http://${LOOPBACK}:${port}/`, child, timeoutMs);
  } catch (err) {
    if (child.pid !== undefined) await stopProcessGroup(child.pid).catch(() => undefined);
    throw new Error(
      `${spec.displayName} failed to start: ${(err as Error).message}\n` +
        `command: ${command}\nlast output (${logFile}):\n${tail(logFile)}`,
    );
  }
  if (child.pid === undefined) throw new Error(`${spec.displayName}: spawn gave no pid (${command})`);
  return { id: spec.id, hostEnvVar: spec.hostEnvVar, host: `${LOOPBACK}:${port}`, pgid: child.pid, logFile };
}

/** Polls until the root URL answers 2xx; fails at once if the process dies instead. */
async function waitUntilAnswering(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  let died: string | undefined;
  const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
    died = `the process exited (${signal ?? `code ${code}`}) before answering ${url}`;
  };
  const onError = (err: Error): void => {
    died = `the process could not be spawned: ${err.message}`;
  };
  child.once('exit', onExit);
  child.once('error', onError);
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (died) throw new Error(died);
      if (await answers(url)) return;
      if (Date.now() >= deadline) throw new Error(`no answer from GET ${url} within ${timeoutMs / 1000} s`);
      await sleep(POLL_MS);
    }
  } finally {
    child.off('exit', onExit);
    child.off('error', onError);
  }
}

// node:http with agent:false rather than fetch: no pooled keep-alive socket outlives the probe.
function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = get(url, { agent: false, timeout: 1_000 }, (res) => {
      res.resume();
      resolve((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300);
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(false));
  });
}

function tail(file: string): string {
  try {
    const text = readFileSync(file, 'utf8');
    return text.length > LOG_TAIL_CHARS ? `…${text.slice(-LOG_TAIL_CHARS)}` : text || '(no output)';
  } catch (err) {
    return `(could not read log: ${(err as Error).message})`;
  }
}
