import { Worker } from 'node:worker_threads';

/**
 * A worker thread running `file` (a URL of a module next to the caller: `.ts` when run from
 * source, `.js` in the build). Run from source (tsx, vitest), the thread registers tsx before
 * it loads its code: on Node 20 a worker gets neither its parent's loader hooks nor ones
 * passed in `execArgv`.
 */
export function spawnWorker(file: URL, workerData: unknown): Worker {
  if (!file.pathname.endsWith('.ts')) return new Worker(file, { workerData });
  const [tsx, code] = [import.meta.resolve('tsx/esm/api'), file.href].map((url) => JSON.stringify(url));
  return new Worker(`import(${tsx}).then((tsx) => { tsx.register(); return import(${code}); })`, {
    eval: true,
    workerData,
  });
}

/** The URL of a worker module beside `base` (the caller's import.meta.url), in source or in the build. */
export const workerModule = (base: string, name: string) =>
  new URL(`./${name}${base.endsWith('.ts') ? '.ts' : '.js'}`, base);
