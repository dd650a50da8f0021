/**
 * The reference server's command line run as a real process, for the tests that need the CLI
 * itself (flags, seeding, file modes). Each child runs in its own process group, so `killAllCli`
 * reaches tsx's node child too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
export const CLI = join(ROOT, 'server', 'src', 'cli.ts');

export type CliExit = { code: number | null; signal: NodeJS.Signals | null };
export type CliFinished = CliExit & { stdout: string; stderr: string };
export type CliChild = { child: ChildProcess; out: { stdout: string; stderr: string }; exited: Promise<CliFinished> };

const running = new Set<ChildProcess>();

/** Starts `server/src/cli.ts` with `args`; `out` fills as it prints, `exited` settles when it ends. */
export function startCli(args: string[]): CliChild {
  const child = spawn(TSX, [CLI, ...args], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const out = { stdout: '', stderr: '' };
  child.stdout!.on('data', (d: Buffer) => (out.stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out.stderr += d.toString()));
  const exited = new Promise<CliFinished>((resolve) =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal, ...out });
    }),
  );
  return { child, out, exited };
}

/** Kills the child's whole process group at once. */
export function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** For afterAll: every CLI child still running. */
export function killAllCli(): void {
  for (const child of running) killGroup(child);
}
