import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './lib/assets.js';

export const VERSION: string = JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')).version;
