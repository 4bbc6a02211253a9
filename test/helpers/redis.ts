/** A private redis-server on its own port, for tests that stop, freeze or restart Redis (the shared one stays up). */
import { spawn, type ChildProcess } from 'node:child_process';

/** Starts redis-server on `port` (files in `dir`, when given); resolves once it accepts connections. */
export async function startPrivateRedis(port: number, dir?: string): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'];
  const child = spawn('redis-server', dir ? [...args, '--dir', dir] : args, { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`redis-server did not start on ${port}: ${out}`)), 10_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited (${code}): ${out}`));
    });
  });
  return child;
}

/** Kills it as a crash would (no goodbye to the clients) and waits for it to be gone. */
export async function killRedis(child: ChildProcess | null): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}
