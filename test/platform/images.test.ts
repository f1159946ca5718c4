import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { readdirSync } from 'node:fs';
import { storeImage, uploadsDir, imageUrl } from '../../src/lib/images.js';
import { DomainError } from '../../src/lib/errors.js';
import { makeTestApp, type TestApp } from '../support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(() => t.close());

async function jpegWithGps(width = 1600, height = 1000) {
  return new Uint8Array(
    await sharp({ create: { width, height, channels: 3, background: { r: 40, g: 120, b: 80 } } })
      .jpeg()
      .withExif({
        IFD0: { Make: 'PhoneCam', Copyright: 'secret-owner' },
        IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '32/1 14/1 0/1' },
      })
      .toBuffer(),
  );
}

describe('image pipeline', () => {
  it('re-encodes a photo to WebP in several widths and strips its metadata', async () => {
    const src = await jpegWithGps();
    expect((await sharp(src).metadata()).exif).toBeDefined();
    const img = await storeImage(t.dir, src);
    expect(img.widths).toEqual([320, 640, 960, 1280]);
    expect(img.width).toBe(1280);
    expect(img.height).toBe(800);
    const files = readdirSync(uploadsDir(t.dir)).filter((f) => f.startsWith(img.key));
    expect(files.sort()).toEqual([
      `${img.key}-1280.webp`,
      `${img.key}-320.webp`,
      `${img.key}-640.webp`,
      `${img.key}-960.webp`,
    ]);
    const res = await t.request(imageUrl(img.key, 640));
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toContain('immutable');
    const out = new Uint8Array(await res.arrayBuffer());
    const meta = await sharp(out).metadata();
    expect(meta.format).toBe('webp');
    expect(meta.width).toBe(640);
    expect(meta.exif).toBeUndefined();
    expect(Buffer.from(out).includes(Buffer.from('secret-owner'))).toBe(false);
  });

  it('never enlarges a small image', async () => {
    const small = new Uint8Array(
      await sharp({ create: { width: 200, height: 100, channels: 3, background: '#888' } })
        .png()
        .toBuffer(),
    );
    const img = await storeImage(t.dir, small);
    expect(img.widths).toEqual([200]);
    expect(img.width).toBe(200);
  });

  it('refuses a script named like a JPEG, by its content', async () => {
    const fake = new File(['<script>alert(1)</script>'], 'photo.jpg', { type: 'image/jpeg' });
    await expect(storeImage(t.dir, fake, 'photo')).rejects.toMatchObject({
      field: 'photo',
      message: expect.stringMatching(/not an image/),
    });
  });

  it('refuses an image over the size limit with the size in the message', async () => {
    const big = new Uint8Array(9 * 1024 * 1024);
    big.set([0xff, 0xd8, 0xff]);
    const err = await storeImage(t.dir, big).catch((e) => e);
    expect(err).toBeInstanceOf(DomainError);
    expect(err.message).toMatch(/too large: 9\.0 MB/);
  });

  it('serves nothing outside the uploads naming scheme', async () => {
    expect((await t.request('/uploads/..%2Ftrektribe.db')).status).toBe(404);
    expect((await t.request('/uploads/nope.webp')).status).toBe(404);
  });
});
