import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';

/**
 * An archive encrypted for the off-site store with BACKUP_KEY: AES-256-GCM, laid out as
 * MAGIC, a random 12-byte nonce, the ciphertext, and the 16-byte tag that authenticates it.
 */
const MAGIC = Buffer.from('TTBK1');
const NONCE = 12;
const TAG = 16;

export async function seal(key: Buffer, from: string, to: string): Promise<void> {
  const nonce = randomBytes(NONCE);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  const out = createWriteStream(to);
  out.write(Buffer.concat([MAGIC, nonce]));
  await pipeline(createReadStream(from), cipher, out, { end: false });
  await new Promise<void>((resolve, reject) => out.end(cipher.getAuthTag(), () => resolve()).on('error', reject));
}

export async function isSealed(file: string): Promise<boolean> {
  const fh = await open(file, 'r');
  try {
    const head = Buffer.alloc(MAGIC.length);
    await fh.read(head, 0, head.length, 0);
    return head.equals(MAGIC);
  } finally {
    await fh.close();
  }
}

/** Decrypts a sealed file; throws (writing nothing usable) when the key is wrong or the file was altered. */
export async function unseal(key: Buffer, from: string, to: string): Promise<void> {
  const { size } = await stat(from);
  const fh = await open(from, 'r');
  const nonce = Buffer.alloc(NONCE);
  const tag = Buffer.alloc(TAG);
  try {
    await fh.read(nonce, 0, NONCE, MAGIC.length);
    await fh.read(tag, 0, TAG, size - TAG);
  } finally {
    await fh.close();
  }
  const decipher = createDecipheriv('aes-256-gcm', key, nonce);
  decipher.setAuthTag(tag);
  await pipeline(
    createReadStream(from, { start: MAGIC.length + NONCE, end: size - TAG - 1 }),
    decipher,
    createWriteStream(to),
  );
}
