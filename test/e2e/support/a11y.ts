import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { projectRoot } from '../../../src/lib/assets.js';

let source: string | undefined;
/** axe-core's bundle, read once per test process. */
const axeSource = () => (source ??= readFileSync(join(projectRoot(), 'node_modules/axe-core/axe.min.js'), 'utf8'));

/**
 * The page's axe-core violations of impact serious or critical, each as
 * "rule (impact): help — selector". axe is evaluated through the DevTools protocol, so the
 * app's Content-Security-Policy (no inline scripts) does not stop it. Needs JavaScript on.
 */
export async function axeProblems(page: Page): Promise<string[]> {
  const loaded = await page.evaluate(() => typeof (window as { axe?: unknown }).axe === 'object');
  if (!loaded) await page.evaluate(axeSource());
  const found = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(o: object): Promise<{ violations: AxeViolation[] }> } }).axe;
    interface AxeViolation {
      id: string;
      impact: string | null;
      help: string;
      nodes: { target: unknown[] }[];
    }
    const r = await axe.run({ resultTypes: ['violations'] });
    return r.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  return found;
}
