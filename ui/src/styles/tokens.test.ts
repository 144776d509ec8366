// Contrast of the colour tokens, light and dark: text ≥ 4.5:1 (WCAG AA),
// control borders and the focus ring ≥ 3:1 (WCAG 1.4.11).
import { describe, expect, it } from 'vitest';
import css from './tokens.css?raw';

type Palette = Record<string, string>;

function parse(block: string): Palette {
  const out: Palette = {};
  for (const m of block.matchAll(/--([a-z0-9-]+):\s*(#[0-9a-fA-F]{6})\s*;/g)) {
    const [, name, value] = m;
    if (name !== undefined && value !== undefined) out[name] = value.toLowerCase();
  }
  return out;
}

const darkStart = css.indexOf('@media (prefers-color-scheme: dark)');
const light = parse(css.slice(0, darkStart));
const dark: Palette = { ...light, ...parse(css.slice(darkStart)) };

function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

// [foreground, background] pairs the components actually use.
const TEXT_PAIRS: Array<[string, string]> = [
  ['text', 'bg'],
  ['text', 'surface'],
  ['text', 'surface-2'],
  ['text', 'accent-soft'],
  ['text', 'warn-soft'],
  ['text', 'danger-soft'],
  ['text-muted', 'bg'],
  ['text-muted', 'surface'],
  ['text-muted', 'surface-2'],
  ['text-muted', 'accent-soft'],
  ['text-muted', 'warn-soft'],
  ['text-muted', 'danger-soft'],
  ['accent-text', 'accent'],
  ['accent-text', 'accent-hover'],
  ['accent-ink', 'surface'],
  ['accent-ink', 'surface-2'],
  ['accent-ink', 'accent-soft'],
  ['accent-ink', 'warn-soft'],
  ['accent-ink', 'danger-soft'],
  ['ok', 'surface'],
  ['ok', 'surface-2'],
  ['warn-ink', 'surface'],
  ['warn-ink', 'surface-2'],
  ['warn-ink', 'warn-soft'],
  ['danger', 'danger-soft'],
  ['danger', 'surface'],
  ['practice-text', 'practice-bg'],
];

const UI_PAIRS: Array<[string, string]> = [
  ['border-strong', 'surface'],
  ['border-strong', 'surface-2'],
  ['focus', 'surface'],
  ['focus', 'bg'],
  ['focus', 'surface-2'],
  ['focus', 'warn-soft'],
  ['focus', 'danger-soft'],
  ['focus', 'practice-bg'],
  ['accent', 'surface'],
  ['accent', 'accent-soft'],
];

describe.each([
  ['light', light],
  ['dark', dark],
])('%s theme', (_name, palette) => {
  it('defines every token it needs', () => {
    for (const [fg, bg] of [...TEXT_PAIRS, ...UI_PAIRS]) {
      expect(palette[fg], fg).toMatch(/^#[0-9a-f]{6}$/);
      expect(palette[bg], bg).toMatch(/^#[0-9a-f]{6}$/);
    }
  });

  it.each(TEXT_PAIRS)('text %s on %s is at least 4.5:1', (fg, bg) => {
    expect(contrast(palette[fg]!, palette[bg]!)).toBeGreaterThanOrEqual(4.5);
  });

  it.each(UI_PAIRS)('control %s on %s is at least 3:1', (fg, bg) => {
    expect(contrast(palette[fg]!, palette[bg]!)).toBeGreaterThanOrEqual(3);
  });
});

it('the dark theme really differs from the light one', () => {
  expect(dark.bg).not.toBe(light.bg);
  expect(contrast(dark.text!, '#000000')).toBeGreaterThan(contrast(light.text!, '#000000'));
});
