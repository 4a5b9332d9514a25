import {
  createTheme,
  darken,
  DEFAULT_THEME,
  luminance,
  type CSSVariablesResolver,
} from '@mantine/core';

/**
 * Calm: one accent colour, soft radii, system fonts. Text and filled controls keep a contrast of
 * at least 4.5:1 (WCAG 2.2, 1.4.3): indigo's default shade (6) under white text is 4.32:1, so
 * filled controls use shade 8 (5.67:1; red's, the destructive buttons', is 4.51:1).
 */
export const theme = createTheme({
  primaryColor: 'indigo',
  primaryShade: 8,
  defaultRadius: 'md',
  fontFamily:
    'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif',
  fontFamilyMonospace:
    'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
  headings: { fontWeight: '650' },
});

const MIN_CONTRAST = 4.6;

function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

/** The colour, darkened just enough to be read on the background. */
function readableOn(color: string, background: string): string {
  for (let amount = 0; amount < 1; amount += 0.05) {
    const candidate = darken(color, amount);
    if (contrast(candidate, background) >= MIN_CONTRAST) return candidate;
  }
  return '#000000';
}

/**
 * Light badges and alerts write shade 9 on shade 1: teal, green, orange and yellow fall under
 * 4.5:1 there (yellow 2.69:1), so their text is darkened until it reads.
 */
const lightVariantText = Object.fromEntries(
  Object.entries(DEFAULT_THEME.colors).map(([name, shades]) => [
    `--mantine-color-${name}-light-color`,
    readableOn(shades[9], shades[1]),
  ]),
);

/**
 * Dimmed text between Mantine's gray 6 (3.32:1 on white) and gray 7, and between dark 2 (4.04:1
 * on the dark body) and dark 1: still quieter than body text, and readable on the tinted
 * backgrounds of table headers and hovered rows (at least 4.5:1 on each).
 */
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: { '--mantine-color-dimmed': '#5c636a', ...lightVariantText },
  dark: { '--mantine-color-dimmed': '#a6a6a6' },
});
