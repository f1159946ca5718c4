import type { Page } from 'playwright-core';

/**
 * The phone layout rules every page the e2e suite visits must keep at 360×640 (openPage runs
 * them on each page load; call `check()` after an htmx swap). Returns one line per problem:
 * - the page does not scroll sideways;
 * - no table cell or card field is clipped: every td/th in main lies inside the screen and
 *   inside any box of its that hides or scrolls overflow (a column behind a sideways scroll
 *   counts as clipped);
 * - every link, button, summary, select and input in main and in the header is at least 44 px
 *   tall (a tick box or radio may instead sit in a label that is), with no exemption for
 *   links in running text; invisible stand-ins (aria-hidden, a 0 or 1 px box) do not count;
 * - the header with the test-mode banner above it ends within the first 100 px.
 */
export function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const MIN = 43.5; // sub-pixel rounding
    const out: string[] = [];
    const width = document.documentElement.clientWidth;
    const describe = (el: Element) => {
      const text = (el.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 40);
      const name = el.getAttribute('name');
      return `<${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${name ? ` name=${name}` : ''}${el.getAttribute('type') ? ` type=${el.getAttribute('type')}` : ''}>${text}`;
    };

    if (document.documentElement.scrollWidth > width) {
      const wide = Array.from(document.querySelectorAll('body *'))
        .filter((e) => e.getBoundingClientRect().right > width + 0.5)
        .slice(0, 5)
        .map((e) => `<${e.tagName.toLowerCase()} class="${e.getAttribute('class') ?? ''}">`);
      out.push(`scrolls sideways (${document.documentElement.scrollWidth} px; too wide: ${wide.join(' ')})`);
    }

    for (const cell of Array.from(document.querySelectorAll('main td, main th'))) {
      const box = cell.getBoundingClientRect();
      if (box.width === 0 || box.height === 0 || !(cell.textContent ?? '').trim()) continue;
      let right = width;
      for (let a = cell.parentElement; a && a !== document.body; a = a.parentElement) {
        if (getComputedStyle(a).overflowX !== 'visible') right = Math.min(right, a.getBoundingClientRect().right);
      }
      if (box.right > right + 1 || box.left < -1)
        out.push(
          `${describe(cell)} is clipped (ends at ${Math.round(box.right)} px, visible to ${Math.round(right)} px)`,
        );
    }

    for (const el of Array.from(
      document.querySelectorAll(
        ':is(main, body > header) :is(a[href], button, summary, select, textarea, input:not([type="hidden"]))',
      ),
    )) {
      const box = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (box.width <= 1 || box.height <= 1 || style.visibility === 'hidden' || el.closest('[aria-hidden="true"]'))
        continue;
      const type = el.getAttribute('type');
      if (type === 'checkbox' || type === 'radio') {
        const label = el.closest('label') ?? (el.id ? document.querySelector(`label[for="${el.id}"]`) : null);
        if (label && label.getBoundingClientRect().height >= MIN) continue;
      }
      if (box.height < MIN) out.push(`${describe(el)} is ${Math.round(box.height)} px tall`);
    }

    const header = document.querySelector('body > header');
    if (header) {
      const bottom = header.getBoundingClientRect().bottom + window.scrollY;
      if (bottom > 100.5)
        out.push(`the header (with the test-mode banner) ends at ${Math.round(bottom)} px, past 100 px`);
    }
    return out;
  });
}
