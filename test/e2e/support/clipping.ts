import type { Page } from 'playwright-core';

/**
 * Text cut off inside form controls at the current viewport, one line each: a visible select
 * whose selected option's text is wider than the room the select gives it, or an empty input or
 * textarea whose placeholder is wider than its box. Widths are measured with the control's own
 * font (canvas measureText) against its inner width (client width less its padding, which holds
 * a select's arrow and a search box's icon).
 */
export function clippedControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const ctx = document.createElement('canvas').getContext('2d')!;
    const room = (el: HTMLElement) => {
      const s = getComputedStyle(el);
      return el.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
    };
    const width = (el: HTMLElement, text: string) => {
      const s = getComputedStyle(el);
      ctx.font = `${s.fontStyle} ${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
      return ctx.measureText(text).width;
    };
    const visible = (el: HTMLElement) => {
      const box = el.getBoundingClientRect();
      return box.width > 1 && box.height > 1 && getComputedStyle(el).visibility !== 'hidden';
    };
    const name = (el: HTMLElement) => `<${el.tagName.toLowerCase()} name=${el.getAttribute('name') ?? ''}>`;
    for (const select of Array.from(document.querySelectorAll<HTMLSelectElement>('select'))) {
      if (!visible(select) || select.multiple) continue;
      const text = select.selectedOptions[0]?.text.trim() ?? '';
      const [need, has] = [width(select, text), room(select)];
      if (need > has + 0.5) out.push(`${name(select)} cuts "${text}" (${Math.ceil(need)} px in ${Math.floor(has)} px)`);
    }
    for (const input of Array.from(
      document.querySelectorAll<HTMLInputElement | HTMLTextAreaElement>('input[placeholder], textarea[placeholder]'),
    )) {
      if (!visible(input) || input.value !== '') continue;
      const text = input.placeholder;
      const [need, has] = [width(input, text), room(input)];
      if (need > has + 0.5)
        out.push(`${name(input)} cuts its placeholder "${text}" (${Math.ceil(need)} px in ${Math.floor(has)} px)`);
    }
    return out;
  });
}
