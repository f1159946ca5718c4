import { copyFile, link, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** The database file of a data folder. */
export const databaseFile = (dataDir: string) => join(dataDir, 'trektribe.db');
export const backupsDir = (dataDir: string) => join(dataDir, 'backups');
/** The file of the database inside a backup. */
export const DATABASE = 'trektribe.db';
/**
 * The folders of stored files that belong with the database: public uploads (trip and profile
 * photos) and private ones (UPI payment screenshots, ticket images). Their files are written
 * once under a random name and never changed, only deleted (lib/images.ts).
 */
export const FILE_STORES = ['uploads', 'private'] as const;

/** Folder names of backups: the UTC instant they were taken, with `-` for `:` (file-name safe). */
const STAMP = /^(\d{4}-\d\d-\d\dT\d\d)-(\d\d)-(\d\d)Z$/;
export const stampOf = (d: Date) =>
  d
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
export const isStamp = (name: string) => STAMP.test(name);
export const dateOfStamp = (name: string) => new Date(name.replace(STAMP, '$1:$2:$3Z'));

export const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/**
 * Puts every file under `from` at the same place under `to`, leaving files already there alone,
 * and returns how many files and bytes `to` got. A file is hard-linked (no space taken: the
 * stores' files never change in place, so a link keeps the content as it was), or copied where
 * links cannot go (another file system). A file deleted while we walk is skipped.
 */
export async function linkTree(from: string, to: string): Promise<{ files: number; bytes: number }> {
  const total = { files: 0, bytes: 0 };
  let entries;
  try {
    entries = await readdir(from, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return total;
    throw err;
  }
  await mkdir(to, { recursive: true });
  for (const e of entries) {
    const [src, dest] = [join(from, e.name), join(to, e.name)];
    if (e.isDirectory()) {
      const sub = await linkTree(src, dest);
      total.files += sub.files;
      total.bytes += sub.bytes;
    } else if (e.isFile() && !(await exists(dest))) {
      try {
        await link(src, dest).catch(async (err: NodeJS.ErrnoException) => {
          if (!['EXDEV', 'EPERM', 'ENOTSUP', 'EMLINK'].includes(err.code ?? '')) throw err;
          await copyFile(src, dest);
        });
        total.files += 1;
        total.bytes += (await stat(dest)).size;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
  }
  return total;
}

/** Moves `from` to `to` if it exists; returns whether it did. */
export async function moveIfThere(from: string, to: string): Promise<boolean> {
  try {
    await rename(from, to);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

export const removeTree = (path: string) => rm(path, { recursive: true, force: true });

/** How many files, and bytes, are under `dir` (none when it does not exist). */
export async function treeSize(dir: string): Promise<{ files: number; bytes: number }> {
  const total = { files: 0, bytes: 0 };
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  for (const e of entries) {
    if (!e.isFile()) continue;
    total.files += 1;
    total.bytes += (await stat(join(e.parentPath, e.name))).size;
  }
  return total;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}
