// Shared helpers of the browser tests: the server under test, Chromium, axe-core, the
// checks a machine can make beyond axe, and screenshots. The Go test TestBrowser
// (browser_test.go) starts the server and passes its address in the environment.
import { chromium } from 'playwright-core';
import { readFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

function need(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run these scripts through the Go test (go test ./e2e/)`);
  return v;
}

export const base = need('ESCALE_E2E_BASE_URL');
export const helper = need('ESCALE_E2E_HELPER_URL');
export const artifacts = need('ESCALE_E2E_ARTIFACTS');
export const fx = JSON.parse(need('ESCALE_E2E_FIXTURES'));
const executablePath = process.env.ESCALE_E2E_CHROMIUM || '/usr/bin/chromium';
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const url = (p) => new URL(p, base).href;

/** launch starts headless Chromium (Debian's, not a downloaded one). */
export function launch() {
  return chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** newContext opens a fresh browser profile of a width, with or without JavaScript. */
export async function newContext(browser, { width = 360, height = 780, js = true } = {}) {
  const ctx = await browser.newContext({
    viewport: { width, height },
    javaScriptEnabled: js,
    locale: 'fr-FR',
    timezoneId: 'Europe/Paris',
  });
  ctx.setDefaultTimeout(15000);
  return ctx;
}

/** signIn signs a context in with a password, through the sign-in form. */
export async function signIn(ctx, who) {
  const page = await ctx.newPage();
  await page.goto(url('/login'));
  await page.getByLabel('Adresse électronique').first().fill(who.email);
  await page.getByLabel('Mot de passe', { exact: true }).fill(who.password);
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.getByRole('button', { name: 'Se connecter' }).click()]);
  await page.close();
}

/** shoot saves a full-page screenshot under the artifacts folder. */
export async function shoot(page, name) {
  const file = path.join(artifacts, `${name}.png`);
  mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** mail returns the emails sent to an address, newest first. */
export async function mail(to) {
  const resp = await fetch(`${helper}/mail?to=${encodeURIComponent(to)}`);
  if (!resp.ok) throw new Error(`mailbox: ${resp.status}`);
  return resp.json();
}

/** linkIn returns the local path of the first link of the site in a text that starts with prefix. */
export function linkIn(text, prefix) {
  for (const m of text.matchAll(/https?:\/\/\S+/g)) {
    const u = new URL(m[0]);
    if (u.pathname.startsWith(prefix)) return u.pathname + u.search;
  }
  throw new Error(`no link ${prefix}… in ${text}`);
}

/** serious are the axe impacts that fail a test; the others are listed. */
const serious = new Set(['serious', 'critical']);

/**
 * axe runs axe-core on the page (through the DevTools protocol, which the page's Content
 * Security Policy does not restrict) and returns its violations split by impact.
 */
export async function axe(page) {
  const has = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!has) await page.evaluate(axeSource);
  const res = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary })),
    }));
  });
  return { blocking: res.filter((v) => serious.has(v.impact)), others: res.filter((v) => !serious.has(v.impact)) };
}

/** describeViolations formats axe violations for a test message. */
export function describeViolations(list) {
  return list.map((v) => `  [${v.impact}] ${v.id}: ${v.help}\n` +
    v.nodes.slice(0, 5).map((n) => `      ${n.target}\n        ${(n.summary || '').replace(/\n/g, '\n        ')}`).join('\n')).join('\n');
}

/**
 * structure checks what axe leaves to people: French, a title that says where one is,
 * one h1 and no skipped heading level, a skip link first.
 */
export async function structure(page) {
  return page.evaluate(() => {
    const problems = [];
    if (document.documentElement.lang !== 'fr') problems.push(`lang="${document.documentElement.lang}"`);
    const title = document.title;
    if (!/ — Escale/.test(title) || title.startsWith(' — ') || title.startsWith('Escale')) problems.push(`title "${title}" does not say where one is`);
    const hs = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].filter((h) => h.getClientRects().length > 0 || h.closest('.sr'));
    const h1 = hs.filter((h) => h.tagName === 'H1').length;
    if (h1 !== 1) problems.push(`${h1} h1`);
    let prev = 0;
    for (const h of hs) {
      const level = Number(h.tagName[1]);
      if (prev === 0 && level !== 1) problems.push(`first heading is ${h.tagName} "${h.textContent.trim()}"`);
      if (prev !== 0 && level > prev + 1) problems.push(`${h.tagName} "${h.textContent.trim()}" follows an h${prev}`);
      prev = level;
    }
    // Pages with the site's menu start with a link that skips it (the embed has none).
    const first = document.querySelector('a[href], button, input, select, textarea');
    if (document.querySelector('header nav') && (!first || first.getAttribute('href') !== '#contenu')) problems.push('the first link is not the skip link');
    return problems;
  });
}

/** horizontalOverflow returns what sticks out of the viewport (none means no horizontal scroll). */
export async function horizontalOverflow(page) {
  return page.evaluate(() => {
    const w = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= w) return [];
    const out = [];
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect();
      if (r.right > w + 1 && r.width > 0 && getComputedStyle(el).position !== 'absolute') {
        out.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : ''} (right ${Math.round(r.right)} > ${w})`);
      }
      if (out.length >= 5) break;
    }
    return out.length ? out : [`scrollWidth ${document.documentElement.scrollWidth} > ${w}`];
  });
}

/**
 * smallTargets lists the controls smaller than 44×44 CSS pixels: buttons, fields, menus,
 * summaries and links that stand alone. Links inside a sentence are exempt (WCAG 2.5.5's
 * "inline" exception), and so are checkboxes and radios whose label row is 44 px high.
 */
export async function smallTargets(page) {
  return page.evaluate(() => {
    const out = [];
    const visible = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden'; };
    for (const el of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')) {
      // Off screen until focused (the skip link): measured when shown, by its own rule.
      if (!visible(el) || el.getBoundingClientRect().right <= 0 || el.closest('.sr, [aria-hidden=true]')) continue;
      const cs = getComputedStyle(el);
      let box = el.getBoundingClientRect();
      if (el.matches('input[type=checkbox], input[type=radio]')) {
        const row = el.closest('.check, label') || el.parentElement;
        box = row.getBoundingClientRect();
      } else if (el.tagName === 'A' && cs.display === 'inline') {
        continue; // a link in a sentence
      }
      if (box.height < 43.5 || (el.tagName !== 'A' && box.width < 43.5)) {
        const name = (el.textContent || el.getAttribute('aria-label') || el.name || '').trim().replace(/\s+/g, ' ').slice(0, 40);
        out.push(`${el.tagName.toLowerCase()} "${name}" ${Math.round(box.width)}×${Math.round(box.height)}`);
      }
    }
    return out;
  });
}

/**
 * focusVisible presses Tab up to n times and returns the focused controls that show no
 * focus indicator (no outline and no box shadow).
 */
export async function focusVisible(page, n = 12) {
  const out = [];
  await page.evaluate(() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); });
  for (let i = 0; i < n; i++) {
    await page.keyboard.press('Tab');
    const r = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const cs = getComputedStyle(el);
      const shown = (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0) || cs.boxShadow !== 'none';
      return { shown, name: `${el.tagName.toLowerCase()} "${(el.textContent || el.getAttribute('aria-label') || el.name || '').trim().replace(/\s+/g, ' ').slice(0, 40)}"` };
    });
    if (r === null) break;
    if (!r.shown) out.push(r.name);
  }
  return out;
}

/**
 * errorLinks checks that form errors are announced and lead to their fields: each field
 * marked invalid names, in aria-describedby, a message that exists; each link of an error
 * summary leads to a field of the page; an error summary is announced (role="alert").
 */
export async function errorLinks(page) {
  return page.evaluate(() => {
    const problems = [];
    for (const el of document.querySelectorAll('[aria-invalid=true]')) {
      const ids = (el.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
      const messages = ids.map((id) => document.getElementById(id)).filter((m) => m && m.textContent.trim());
      if (!messages.length) problems.push(`invalid field ${el.name || el.id} is described by no message`);
    }
    for (const summary of document.querySelectorAll('.error-summary')) {
      if (summary.getAttribute('role') !== 'alert') problems.push('an error summary is not announced (role="alert")');
      for (const a of summary.querySelectorAll('a[href^="#"]')) {
        const target = document.getElementById(a.getAttribute('href').slice(1));
        if (!target) problems.push(`error link ${a.getAttribute('href')} leads nowhere`);
        else if (!target.matches('input, select, textarea, fieldset, [tabindex]')) problems.push(`error link ${a.getAttribute('href')} leads to a ${target.tagName.toLowerCase()}, not a field`);
      }
    }
    return problems;
  });
}

/**
 * textZoom sets the text to 200% (as a browser's text-only zoom does) and returns what
 * then sticks out of the page.
 */
export async function textZoom(page) {
  await page.evaluate(() => { document.documentElement.style.fontSize = '200%'; });
  const out = await horizontalOverflow(page);
  await page.evaluate(() => { document.documentElement.style.fontSize = ''; });
  return out;
}

/**
 * tabOrder presses Tab from the start of a form until focus leaves it and returns the
 * names of the controls reached, in order, with those showing no focus indicator.
 */
export async function tabOrder(page, formSelector) {
  await page.locator(formSelector).evaluate((form) => {
    const before = document.createElement('button');
    before.id = 'e2e-before-form';
    before.textContent = 'avant le formulaire';
    form.parentNode.insertBefore(before, form);
    before.focus();
  });
  const reached = [];
  const unseen = [];
  for (let i = 0; i < 200; i++) {
    await page.keyboard.press('Tab');
    const r = await page.evaluate((sel) => {
      const el = document.activeElement;
      const form = document.querySelector(sel);
      if (!el || !form.contains(el)) return null;
      const cs = getComputedStyle(el);
      const shown = (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0) || cs.boxShadow !== 'none';
      return { name: el.name || el.id || el.textContent.trim(), shown };
    }, formSelector);
    if (!r) break;
    reached.push(r.name);
    if (!r.shown) unseen.push(r.name);
  }
  await page.evaluate(() => document.getElementById('e2e-before-form')?.remove());
  return { reached, unseen };
}

/**
 * expectedTabStops lists the controls of a form that Tab should reach, in document
 * order: one stop per group of radios, none for hidden or untabbable ones.
 */
export async function expectedTabStops(page, formSelector) {
  return page.locator(formSelector).evaluate((form) => {
    const out = [];
    const radios = new Set();
    for (const el of form.querySelectorAll('input, select, textarea, button, a[href], summary')) {
      if (el.type === 'hidden' || el.tabIndex < 0 || el.disabled || el.closest('[aria-hidden=true]')) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (el.type === 'radio') {
        if (radios.has(el.name)) continue;
        radios.add(el.name);
      }
      if (el.closest('details:not([open])') && el.tagName !== 'SUMMARY') continue;
      out.push(el.name || el.id || el.textContent.trim());
    }
    return out;
  });
}
