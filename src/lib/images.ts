import sharp, { type Metadata } from 'sharp';
import { access, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DomainError } from './errors.js';
import { randomToken } from './tokens.js';

export const MAX_IMAGE_BYTES = 8 * 1024 * 1024;
/** 960 sits between 640 and 1280 so a 360-px phone at 2× (720 px) need not fetch the 1280. */
export const IMAGE_WIDTHS = [320, 640, 960, 1280] as const;

export interface StoredImage {
  /** Random name; files are uploads/<key>-<width>.webp for each width in `widths`. */
  key: string;
  /** Size of the largest stored version. */
  width: number;
  height: number;
  widths: number[];
}

/** The type is decided by the bytes, never by the file name or the declared type. */
export function sniffImageType(bytes: Uint8Array): 'jpeg' | 'png' | 'webp' | 'gif' | null {
  const b = bytes;
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (
    b.length >= 8 &&
    b[0] === 0x89 &&
    b[1] === 0x50 &&
    b[2] === 0x4e &&
    b[3] === 0x47 &&
    b[4] === 0x0d &&
    b[5] === 0x0a &&
    b[6] === 0x1a &&
    b[7] === 0x0a
  )
    return 'png';
  if (
    b.length >= 12 &&
    String.fromCharCode(...b.subarray(0, 4)) === 'RIFF' &&
    String.fromCharCode(...b.subarray(8, 12)) === 'WEBP'
  )
    return 'webp';
  if (b.length >= 6 && /^GIF8[79]a$/.test(String.fromCharCode(...b.subarray(0, 6)))) return 'gif';
  return null;
}

export const uploadsDir = (dataDir: string) => join(dataDir, 'uploads');

/**
 * Where an image is kept. `public` images (trip photos, profile photos) are served to
 * anyone at /uploads/ and cached for a year; `proofs` (UPI payment screenshots) sit outside
 * that folder, so no public route can reach them, and are served only through a route that
 * checks who asks.
 */
export type ImageStore = 'public' | 'proofs';
const storeDir = (dataDir: string, store: ImageStore) =>
  store === 'public' ? uploadsDir(dataDir) : join(dataDir, 'private', 'proofs');

/** The bytes and size of an image file we can store, or a DomainError on `field` saying what is wrong with it. */
async function readImage(
  file: File | Uint8Array,
  field: string,
): Promise<{ bytes: Uint8Array; meta: Metadata & { width: number; height: number } }> {
  const size = file instanceof Uint8Array ? file.byteLength : file.size;
  if (size === 0) throw new DomainError('Choose an image file.', field);
  if (size > MAX_IMAGE_BYTES)
    throw new DomainError(
      `The image is too large: ${(size / 1024 / 1024).toFixed(1)} MB. The limit is ${MAX_IMAGE_BYTES / 1024 / 1024} MB.`,
      field,
    );
  const bytes = file instanceof Uint8Array ? file : new Uint8Array(await file.arrayBuffer());
  if (!sniffImageType(bytes))
    throw new DomainError('That file is not an image we can read. Upload a JPEG, PNG or WebP photo.', field);

  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: 40_000_000 }).metadata();
  } catch {
    throw new DomainError('That image is damaged or not a real image.', field);
  }
  if (!meta.width || !meta.height) throw new DomainError('That image is damaged or not a real image.', field);
  return { bytes, meta: meta as Metadata & { width: number; height: number } };
}

/**
 * Checks an uploaded image, re-encodes it to WebP in a few widths (never wider than the
 * original) with all metadata (EXIF GPS included) dropped, and stores it under a random
 * name. `field` names the form field for the error message.
 */
export async function storeImage(
  dataDir: string,
  file: File | Uint8Array,
  field = 'image',
  widths: readonly number[] = IMAGE_WIDTHS,
  store: ImageStore = 'public',
): Promise<StoredImage> {
  const { bytes, meta } = await readImage(file, field);
  // EXIF orientation swaps the visible width and height.
  const rotated = (meta.orientation ?? 1) >= 5;
  const srcW = rotated ? meta.height : meta.width;
  const srcH = rotated ? meta.width : meta.height;

  const key = randomToken();
  const dir = storeDir(dataDir, store);
  await mkdir(dir, { recursive: true });
  const sizes = [...new Set(widths.map((w) => Math.min(w, srcW)))].sort((a, b) => a - b);
  let out = { width: 0, height: 0 };
  try {
    for (const w of sizes) {
      const { data, info } = await sharp(bytes, { limitInputPixels: 40_000_000 })
        .rotate()
        .resize({ width: w, withoutEnlargement: true })
        .webp({ quality: 75 })
        .toBuffer({ resolveWithObject: true });
      await writeFile(join(dir, `${key}-${w}.webp`), data);
      out = { width: info.width, height: info.height };
    }
  } catch {
    await removeImage(dataDir, key, sizes, store);
    throw new DomainError('That image could not be processed. Try another photo.', field);
  }
  if (!out.height) out = { width: srcW, height: srcH };
  return { key, width: out.width, height: out.height, widths: sizes };
}

export async function removeImage(
  dataDir: string,
  key: string,
  widths: readonly number[] = IMAGE_WIDTHS,
  store: ImageStore = 'public',
): Promise<void> {
  await Promise.all(widths.map((w) => rm(join(storeDir(dataDir, store), `${key}-${w}.webp`), { force: true })));
}

/** The widths a stored image exists in (see storeImage: never wider than the original). */
export const storedWidths = (width: number) => [...new Set(IMAGE_WIDTHS.map((w) => Math.min(w, width)))];

/**
 * Makes every width storedWidths promises for a public image exist (widths added to
 * IMAGE_WIDTHS after it was stored), each resized from its largest stored version and written
 * under a temporary name first, so a reader never sees half a file. Returns how many it made;
 * an image whose largest version is missing is left as it is.
 */
export async function addMissingWidths(dataDir: string, key: string, width: number): Promise<number> {
  const dir = uploadsDir(dataDir);
  const widths = storedWidths(width);
  const largest = join(dir, `${key}-${Math.max(...widths)}.webp`);
  const missing: number[] = [];
  for (const w of widths) if (!(await exists(join(dir, `${key}-${w}.webp`)))) missing.push(w);
  if (missing.length === 0 || !(await exists(largest))) return 0;
  for (const w of missing) {
    const data = await sharp(largest).resize({ width: w, withoutEnlargement: true }).webp({ quality: 75 }).toBuffer();
    const file = join(dir, `${key}-${w}.webp`);
    const temporary = `${file}.${randomToken()}.tmp`;
    await writeFile(temporary, data);
    await rename(temporary, file);
  }
  return missing.length;
}

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

/** URL of one stored width. Images narrower than a width were stored at their own width. */
export const imageUrl = (key: string, width: number) => `/uploads/${key}-${width}.webp`;

/** The key a stored file's name starts with, or null for a name that is not one of ours. */
export const uploadKey = (name: string) => FILE.exec(name)?.[1] ?? null;

/**
 * Moves images that were stored before their store existed (UPI screenshots used to be
 * public uploads) into it; files already moved are left alone. Returns how many moved.
 */
export async function moveToStore(
  dataDir: string,
  key: string,
  widths: readonly number[],
  store: ImageStore,
): Promise<number> {
  const dir = storeDir(dataDir, store);
  let moved = 0;
  for (const w of widths) {
    const name = `${key}-${w}.webp`;
    try {
      await mkdir(dir, { recursive: true });
      await rename(join(uploadsDir(dataDir), name), join(dir, name));
      moved++;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  return moved;
}

const FILE = /^([a-z2-7]{32})-(\d{2,4})\.webp$/;

/** Reads a stored upload for serving; null for anything that is not one of ours. */
export async function readUpload(
  dataDir: string,
  name: string,
  store: ImageStore = 'public',
): Promise<Uint8Array<ArrayBuffer> | null> {
  if (!FILE.test(name)) return null;
  try {
    return new Uint8Array(await readFile(join(storeDir(dataDir, store), name)));
  } catch {
    return null;
  }
}
