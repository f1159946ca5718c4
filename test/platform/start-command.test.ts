import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../src/lib/assets.js';

const read = (file: string) => readFileSync(join(projectRoot(), file), 'utf8');

describe('the start command', () => {
  it('is the same in the Docker image as in `npm start`: plain node on the build, no V8 flags', () => {
    const start = (JSON.parse(read('package.json')) as { scripts: { start: string } }).scripts.start;
    const cmd = [...read('Dockerfile').matchAll(/^CMD (\[.*\])$/gm)].at(-1)?.[1];
    expect(cmd, 'the Dockerfile ends with an exec-form CMD').toBeDefined();
    expect((JSON.parse(cmd!) as string[]).join(' ')).toBe(start);
    expect(start).toBe('node dist/src/server.js');
  });
});
