import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import * as tar from 'tar';
import type { Config } from '../config.js';
import { isStamp, removeTree } from './files.js';
import { isSealed, seal, unseal } from './sealed.js';

export type OffsiteConfig = NonNullable<Config['backupS3']>;

const SUFFIX = '.tar.gz';

function client(s3: OffsiteConfig): S3Client {
  return new S3Client({
    region: s3.region,
    endpoint: s3.endpoint,
    // A store of our own (MinIO, s3rver, …) names buckets in the path, not in the host name.
    forcePathStyle: s3.endpoint !== undefined,
    // The SDK's default sends bodies aws-chunked with a trailing checksum, which stores other
    // than AWS may keep as part of the object (s3rver does: the archive came back damaged).
    ...(s3.endpoint !== undefined && {
      requestChecksumCalculation: 'WHEN_REQUIRED' as const,
      responseChecksumValidation: 'WHEN_REQUIRED' as const,
    }),
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  });
}

const keyOf = (s3: OffsiteConfig, name: string) => `${s3.prefix}${name}${SUFFIX}`;
export const offsiteLabel = (s3: OffsiteConfig, name: string) => `s3://${s3.bucket}/${keyOf(s3, name)}`;

/** Says what went wrong with the store in one line, naming where: the SDK's errors are terse. */
function plainly(s3: OffsiteConfig, what: string, err: unknown): Error {
  const e = err as { name?: string; message?: string; code?: string };
  const why =
    e.code === 'ECONNREFUSED'
      ? `nothing answers at ${s3.endpoint}`
      : `${e.name ?? 'Error'}: ${e.message ?? String(err)}`;
  return new Error(`${what} (s3://${s3.bucket}/${s3.prefix}): ${why}`);
}

/**
 * Uploads one backup folder as one archive (`<prefix><name>.tar.gz`). The archive is written
 * to `scratchDir` first so the upload has a known length, then removed.
 */
export async function uploadBackup(s3: OffsiteConfig, dir: string, name: string, scratchDir: string): Promise<number> {
  await mkdir(scratchDir, { recursive: true });
  const archive = join(scratchDir, `${name}${SUFFIX}`);
  try {
    await tar.c({ gzip: true, cwd: dir, file: archive, portable: true }, ['.']);
    const upload = s3.key ? `${archive}.sealed` : archive;
    if (s3.key) await seal(s3.key, archive, upload);
    const { size } = await stat(upload);
    try {
      await client(s3).send(
        new PutObjectCommand({
          Bucket: s3.bucket,
          Key: keyOf(s3, name),
          Body: createReadStream(upload),
          ContentLength: size,
          ContentType: s3.key ? 'application/octet-stream' : 'application/gzip',
        }),
      );
    } catch (err) {
      throw plainly(s3, `the upload of backup ${name} failed`, err);
    }
    return size;
  } finally {
    await removeTree(archive);
    await removeTree(`${archive}.sealed`);
  }
}

/** The names of the backups in the store, newest first. */
export async function listOffsite(s3: OffsiteConfig): Promise<string[]> {
  const names: string[] = [];
  let token: string | undefined;
  try {
    do {
      const page = await client(s3).send(
        new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: s3.prefix, ContinuationToken: token }),
      );
      for (const o of page.Contents ?? []) {
        const name = o.Key?.slice(s3.prefix.length).replace(SUFFIX, '') ?? '';
        if (o.Key?.endsWith(SUFFIX) && isStamp(name)) names.push(name);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  } catch (err) {
    throw plainly(s3, 'the backups in the store could not be listed', err);
  }
  return names.sort().reverse();
}

/** Deletes the named backups from the store. */
export async function deleteOffsite(s3: OffsiteConfig, names: string[]): Promise<void> {
  for (let i = 0; i < names.length; i += 1000) {
    const batch = names.slice(i, i + 1000);
    try {
      await client(s3).send(
        new DeleteObjectsCommand({
          Bucket: s3.bucket,
          Delete: { Objects: batch.map((n) => ({ Key: keyOf(s3, n) })), Quiet: true },
        }),
      );
    } catch (err) {
      throw plainly(s3, `old backups could not be deleted from the store`, err);
    }
  }
}

/**
 * Downloads one backup from the store and unpacks it into `dir` (a new folder). One encrypted
 * with BACKUP_KEY is decrypted, and authenticated, before anything is unpacked.
 */
export async function downloadBackup(s3: OffsiteConfig, name: string, dir: string): Promise<void> {
  let body: Readable;
  try {
    const res = await client(s3).send(new GetObjectCommand({ Bucket: s3.bucket, Key: keyOf(s3, name) }));
    body = res.Body as Readable;
  } catch (err) {
    if ((err as { name?: string }).name === 'NoSuchKey')
      throw new Error(`there is no backup ${name} in s3://${s3.bucket}/${s3.prefix}`);
    throw plainly(s3, `backup ${name} could not be downloaded`, err);
  }
  await mkdir(dir, { recursive: true });
  const [fetched, opened] = [`${dir}.download`, `${dir}.tar.gz`];
  try {
    await pipeline(body, createWriteStream(fetched));
    let archive = fetched;
    if (await isSealed(fetched)) {
      if (!s3.key) throw new Error(`backup ${name} is encrypted: set BACKUP_KEY to the key it was made with`);
      try {
        await unseal(s3.key, fetched, opened);
      } catch {
        throw new Error(
          `backup ${name} cannot be decrypted with this BACKUP_KEY (another key, or the file was altered)`,
        );
      }
      archive = opened;
    }
    try {
      await tar.x({ cwd: dir, file: archive, strict: true });
    } catch (err) {
      throw new Error(`backup ${name} from the store is not a readable archive: ${(err as Error).message}`);
    }
  } catch (err) {
    await removeTree(dir);
    throw err;
  } finally {
    await removeTree(fetched);
    await removeTree(opened);
  }
}
