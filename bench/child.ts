/** Runs a benchmark fixture in its own process and waits for the lines it prints on start. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const TSX = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));

export type Child = { process: ChildProcess; lines: Map<string, string>; stop(): Promise<void> };

/** Starts `script` and resolves once it has printed a line for each of `keys` ("KEY value"). */
export async function startChild(script: string, keys: string[], env: Record<string, string> = {}): Promise<Child> {
  const child = spawn(TSX, [fileURLToPath(new URL(script, import.meta.url))], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = new Map<string, string>();
  const rl = createInterface({ input: child.stdout! });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before starting`)));
    rl.on('line', (line) => {
      const [key, ...rest] = line.split(' ');
      if (key) lines.set(key, rest.join(' '));
      if (keys.every((k) => lines.has(k))) resolve();
    });
  });
  return {
    process: child,
    lines,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
