import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { ensureWebBuild } from '../../src/web/server/build.ts';
import { buildTestApp, type TestContext } from './app.ts';
import { DEFAULT_PASSWORD, type Session } from './factories.ts';

/**
 * Real-browser tests: Debian's `chromium` (never a downloaded browser) driven headless by playwright-core
 * against the real application listening on loopback. Every request the pages make to anywhere else is
 * blocked and recorded, so a test fails if a page needs the network.
 */

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Why the browser tests skip here (`skip` option of `describe`), or false when Chromium is installed. */
export const browserSkip: string | false = existsSync(CHROMIUM_PATH)
  ? false
  : `Chromium not found at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH): browser tests skipped`;
if (browserSkip) console.warn(`# WARNING: ${browserSkip}`);

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SCREENSHOT_DIR = join(ROOT, 'test-output', 'screenshots');

/** WCAG 2.0, 2.1 and 2.2 level A and AA rules. */
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

export interface BrowserHarness {
  ctx: TestContext;
  /** `http://127.0.0.1:<port>`, also the application's PUBLIC_URL, so every link on a page stays local. */
  origin: string;
  browser: Browser;
  /** A fresh context and page; `cookie` signs the page in (a `name=value` session cookie). */
  newPage(options?: { cookie?: string }): Promise<Page>;
  /** Requests the pages tried to make to anywhere but `origin` (all blocked). */
  offsiteRequests: string[];
  /** Uncaught script errors on any page. */
  pageErrors: string[];
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** Starts the application on a free loopback port and launches Chromium. Close it in `after`. */
export async function startBrowserHarness(env: Record<string, string> = {}): Promise<BrowserHarness> {
  // The console and wallet are browser apps: build their bundle first when missing or stale (a few s).
  await ensureWebBuild();
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  const ctx = await buildTestApp({ env: { PUBLIC_URL: origin, AUTH_RATE_LIMIT_MAX: '100000', ...env } });
  let browser: Browser | undefined;
  try {
    await ctx.app.listen({ host: '127.0.0.1', port });
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      // Chromium's sandbox refuses to start as root (CI containers); as any other user it stays on.
      args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
    });
  } catch (error) {
    await ctx.close();
    throw error;
  }
  const contexts: BrowserContext[] = [];
  const offsiteRequests: string[] = [];
  const pageErrors: string[] = [];
  const launched = browser;
  return {
    ctx,
    origin,
    browser: launched,
    offsiteRequests,
    pageErrors,
    async newPage(options = {}) {
      const context = await launched.newContext({ locale: 'en-GB', viewport: { width: 1000, height: 800 } });
      contexts.push(context);
      await context.route('**/*', (route) => {
        const url = route.request().url();
        if (new URL(url).origin === origin) return route.continue();
        offsiteRequests.push(url);
        return route.abort('blockedbyclient');
      });
      if (options.cookie) {
        const [name = '', value = ''] = options.cookie.split(/=(.*)/s);
        await context.addCookies([{ name, value, url: origin }]);
      }
      const page = await context.newPage();
      // Server-rendered pages answer in milliseconds: a wait this long means something is wrong.
      page.setDefaultTimeout(10_000);
      page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`));
      return page;
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await launched.close();
      await ctx.close();
    },
  };
}

/**
 * The `after` of every browser suite: closes the harness (if `before` got as far as starting it), runs
 * `cleanup`, then fails if any page of the suite tried to reach the network or threw a script error.
 * Checked here, once the tests have run, so that such a page fails the file even if its own test passed.
 * `label` names the suite's pages in the failure ("console pages tried to reach the network").
 */
export async function closeHarnessChecked(
  h: BrowserHarness | undefined,
  label: string,
  cleanup?: () => void,
): Promise<void> {
  const offsite = h ? [...h.offsiteRequests] : [];
  const errors = h ? [...h.pageErrors] : [];
  await h?.close();
  cleanup?.();
  assert.deepEqual(offsite, [], `${label} tried to reach the network`);
  assert.deepEqual(errors, [], `script errors on ${label}`);
}

/** Opens the console's sign-in screen, signs `session` in and waits for the list of organisations. */
export async function signInToConsole(h: BrowserHarness, page: Page, session: Session): Promise<void> {
  await page.goto(`${h.origin}/console`);
  await page.getByLabel('Email').fill(session.email);
  await page.getByLabel('Password').fill(DEFAULT_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { level: 1, name: 'Your organisations' }).waitFor();
}

/** Fills in and submits the wallet's sign-in form, wherever the wallet shows it (its home, a claim link). */
export async function submitWalletSignIn(page: Page, session: Session): Promise<void> {
  await page.getByLabel('E-mail address').fill(session.email);
  await page.getByLabel('Password').fill(DEFAULT_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Opens the wallet, signs `session` in and waits for their credentials. */
export async function signInToWallet(h: BrowserHarness, page: Page, session: Session): Promise<void> {
  await page.goto(`${h.origin}/wallet`);
  await submitWalletSignIn(page, session);
  await page.getByRole('heading', { level: 1, name: 'My credentials' }).waitFor();
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: Array<{ target: unknown[]; failureSummary?: string }>;
}

let axeSource: string | undefined;
function loadAxeSource(): string {
  if (axeSource === undefined) {
    const require = createRequire(import.meta.url);
    axeSource = readFileSync(join(dirname(require.resolve('axe-core')), 'axe.min.js'), 'utf8');
  }
  return axeSource;
}

/**
 * Runs axe-core's WCAG 2.2 AA rules on the page and fails listing every serious or critical violation
 * (rule, help text, each failing element). Injected by evaluation, so the pages' CSP does not block it.
 */
export async function assertNoSeriousAxeViolations(page: Page, label: string): Promise<void> {
  const loaded = await page.evaluate('typeof window.axe === "object"');
  if (!loaded) await page.evaluate(loadAxeSource());
  const options = JSON.stringify({ runOnly: { type: 'tag', values: AXE_TAGS }, resultTypes: ['violations'] });
  const violations = await page.evaluate<AxeViolation[]>(
    `axe.run(document, ${options}).then((results) => results.violations)`,
  );
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = serious
    .map(
      (v) =>
        `- [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n${v.nodes
          .map(
            (node) =>
              `    at ${node.target.join(' ')}${node.failureSummary ? `: ${node.failureSummary.replace(/\s+/g, ' ')}` : ''}`,
          )
          .join('\n')}`,
    )
    .join('\n');
  assert.equal(serious.length, 0, `axe found serious or critical violations on ${label}:\n${report}`);
}

/** Saves a full-page PNG under test-output/screenshots/ (gitignored) and returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** The checks every screen gets, on the page as it stands: the basics and axe; a screenshot when named. */
export async function checkScreen(page: Page, label: string, screenshot?: string): Promise<void> {
  await assertPageBasics(page, label);
  await assertNoSeriousAxeViolations(page, label);
  if (screenshot) await saveScreenshot(page, screenshot);
}

/** Waits for the screen's h1 (`heading`), then `checkScreen`. */
export async function checkScreenWithHeading(
  page: Page,
  heading: string | RegExp,
  label: string,
  screenshot?: string,
): Promise<void> {
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
  await checkScreen(page, label, screenshot);
}

/** What the focused element looks like: enough to judge whether keyboard users can see where they are. */
export interface FocusState {
  /** `tag#id`, `tag[name=…]` or `tag "text"`: the same string `focusableElements` gives. */
  element: string;
  outlineStyle: string;
  outlineWidth: number;
  outlineColor: string;
  boxShadow: string;
  /** The nearest opaque background behind the element (white when none is set). */
  background: string;
}

// Browser-side code as strings: the project's TypeScript has no DOM types, and these run in the page.
const DESCRIBE = `function describe(el) {
  const tag = el.tagName.toLowerCase();
  if (el.id) return tag + '#' + el.id;
  if (el.getAttribute('name')) return tag + '[name=' + el.getAttribute('name') + ']';
  return tag + ' "' + (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 40) + '"';
}`;
const FOCUSABLE_ELEMENTS = `(() => { ${DESCRIBE}
  return [...document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]')]
    .filter((el) => !el.disabled && el.type !== 'hidden' && el.tabIndex >= 0 && el.getClientRects().length > 0)
    .map(describe);
})()`;
const FOCUS_STATE = `(() => { ${DESCRIBE}
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  let background = 'rgb(255, 255, 255)';
  for (let node = el.parentElement; node; node = node.parentElement) {
    const color = getComputedStyle(node).backgroundColor;
    if (color && color !== 'transparent' && !/rgba\\(.*, 0\\)$/.test(color)) { background = color; break; }
  }
  return { element: describe(el), outlineStyle: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth) || 0,
    outlineColor: style.outlineColor, boxShadow: style.boxShadow, background };
})()`;

/** The page's keyboard-focusable elements in document order (no positive tabindex is used anywhere). */
export function focusableElements(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(FOCUSABLE_ELEMENTS);
}

/**
 * Presses Tab `count` times and returns the focus state after each press. Call it right after a page has
 * loaded, so that the first Tab starts from the top of the page.
 */
export async function tabThrough(page: Page, count: number): Promise<Array<FocusState | null>> {
  const states: Array<FocusState | null> = [];
  for (let i = 0; i < count; i++) {
    await page.keyboard.press('Tab');
    states.push(await page.evaluate<FocusState | null>(FOCUS_STATE));
  }
  return states;
}

function parseRgb(color: string): [number, number, number] | null {
  const match = /rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)/.exec(color);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : null;
}

/** WCAG relative-luminance contrast ratio of two CSS `rgb()` colours. */
export function contrastRatio(a: string, b: string): number {
  const luminance = (color: string) => {
    const rgb = parseRgb(color);
    assert.ok(rgb, `not an rgb() colour: ${color}`);
    const [r, g, bl] = rgb.map((c) => {
      const s = c / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

/**
 * Fails unless the focused element shows a focus indicator: a solid outline at least 2px wide whose colour
 * contrasts 3:1 with the background around it (WCAG 1.4.11 and 2.4.7), or a box shadow.
 */
export function assertVisibleFocus(state: FocusState | null, label: string): void {
  assert.ok(state, `${label}: Tab left the focus on the page body`);
  if (state.boxShadow !== 'none') return;
  assert.ok(
    state.outlineStyle !== 'none' && state.outlineWidth >= 2,
    `${label}: ${state.element} has no visible focus indicator (outline ${state.outlineStyle} ${state.outlineWidth}px)`,
  );
  const ratio = contrastRatio(state.outlineColor, state.background);
  assert.ok(
    ratio >= 3,
    `${label}: ${state.element}'s focus outline ${state.outlineColor} contrasts only ${ratio.toFixed(2)}:1 with ${state.background}`,
  );
}

/** Every page: a language, a title, exactly one h1, and every form control labelled. */
export async function assertPageBasics(page: Page, label: string): Promise<void> {
  const facts = await page.evaluate<{
    lang: string;
    title: string;
    h1: number;
    unlabelled: string[];
  }>(`(() => {
    const controls = [...document.querySelectorAll('input:not([type=hidden]), select, textarea')];
    return {
      lang: document.documentElement.lang,
      title: document.title,
      h1: document.querySelectorAll('h1').length,
      unlabelled: controls.filter((el) => el.labels.length === 0 && !el.getAttribute('aria-label')).map((el) => el.outerHTML),
    };
  })()`);
  assert.match(facts.lang, /^[a-z]{2}/, `${label}: <html> has no lang`);
  assert.ok(facts.title.trim().length > 0, `${label}: no <title>`);
  assert.equal(facts.h1, 1, `${label}: ${facts.h1} <h1> elements (want exactly one)`);
  assert.deepEqual(facts.unlabelled, [], `${label}: form controls without a label`);
}
