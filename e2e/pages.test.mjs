// Every page type at 360 px and 1280 px: axe-core (no serious or critical violation; the
// others are listed), one h1 and a logical heading order, a skip link, French, a title
// that says where one is, no horizontal scroll at 320 px, 44 px touch targets, a visible
// focus; and a screenshot of each, in the artifacts folder.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  fx, url, helper, artifacts, launch, newContext, signIn, shoot, axe, describeViolations, structure,
  horizontalOverflow, smallTargets, focusVisible, errorLinks, textZoom, tabOrder, expectedTabStops,
} from './lib.mjs';

/** submitEmpty sends the page's main form as it is, past the browser's own checks, so that the server's error state shows. */
async function submitEmpty(page) {
  await page.evaluate(() => document.querySelectorAll('form').forEach((f) => { f.noValidate = true; }));
  await Promise.all([page.waitForLoadState('load'), page.waitForNavigation(), page.locator('main form:not(.inline) button[type=submit]').first().click()]);
}

/** fillLogin signs in with a wrong password. */
async function wrongPassword(page) {
  await page.getByLabel('Adresse électronique').first().fill(fx.mediator.email);
  await page.getByLabel('Mot de passe', { exact: true }).fill('pas le bon mot de passe');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Se connecter' }).click()]);
}

/** nextMonth follows the month view's link to the next month. */
async function nextMonth(page) {
  await Promise.all([page.waitForNavigation(), page.locator('.month-pager a[rel=next]').click()]);
}

/** nextPage follows the calendar's "Séances suivantes" link. */
async function nextPage(page) {
  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: /Séances suivantes/ }).click()]);
}

// Each page: a name (its screenshots' name), who looks at it, its path, what to do there
// first, and the status expected at the end.
const pages = [
  { name: 'calendar', path: '/' },
  { name: 'calendar-filtered', path: '/?level=debutant&theme=prise-en-main' },
  { name: 'calendar-empty', path: '/?q=introuvable' },
  { name: 'calendar-page-2', path: '/?limit=5', act: nextPage },
  { name: 'calendar-error', path: '/?from=2025-13-45&level=expert', status: 400 },
  { name: 'month', path: '/month' },
  { name: 'month-next-filtered', path: '/month?level=debutant', act: nextMonth },
  { name: 'map', path: '/map' },
  { name: 'map-filtered', path: '/map?level=avance&theme=ludique' },
  { name: 'embed', path: () => `/embed?structure=${fx.structure}` },
  { name: 'session-open', path: () => `/sessions/${fx.open}` },
  { name: 'session-full', path: () => `/sessions/${fx.full}` },
  { name: 'session-cancelled', path: () => `/sessions/${fx.cancelled}` },
  { name: 'workshop', path: () => `/workshops/${fx.workshop}` },
  { name: 'structures', path: '/structures' },
  { name: 'structure', path: () => `/structures/${fx.structure}` },
  { name: 'not-found', path: '/nulle-part', status: 404 },
  { name: 'login', path: '/login' },
  { name: 'login-error', path: '/login', act: wrongPassword, status: 422 },
  { name: 'password-forgot', path: '/password/forgot' },
  { name: 'join', path: '/join' },
  { name: 'join-error', path: '/join', act: submitEmpty, status: 422 },
  { name: 'signup', path: '/signup' },
  { name: 'signup-error', path: '/signup', act: submitEmpty, status: 422 },
  { name: 'self-enrollment', path: () => `/sessions/${fx.open}/self-enroll` },
  { name: 'self-enrollment-error', path: () => `/sessions/${fx.open}/self-enroll`, act: submitEmpty, status: 422 },
  { name: 'convocation', path: () => fx.convocation },
  { name: 'orientation', as: 'professional', path: () => `/sessions/${fx.open}/enroll` },
  { name: 'orientation-error', as: 'professional', path: () => `/sessions/${fx.open}/enroll`, act: submitEmpty, status: 422 },
  { name: 'professional-dashboard', as: 'professional', path: '/orientations' },
  { name: 'mediator-dashboard', as: 'mediator', path: '/manage' },
  { name: 'workshop-new', as: 'mediator', path: () => `/manage/structures/${fx.structure}/workshops/new` },
  { name: 'workshop-new-error', as: 'mediator', path: () => `/manage/structures/${fx.structure}/workshops/new`, act: submitEmpty, status: 422 },
  { name: 'workshop-edit', as: 'mediator', path: () => `/manage/workshops/${fx.workshop}` },
  { name: 'sessions-new', as: 'mediator', path: () => `/manage/workshops/${fx.workshop}/sessions/new` },
  { name: 'sessions-new-error', as: 'mediator', path: () => `/manage/workshops/${fx.workshop}/sessions/new`, act: submitEmpty, status: 422 },
  { name: 'session-edit', as: 'mediator', path: () => `/manage/sessions/${fx.open}` },
  { name: 'session-edit-error', as: 'mediator', path: () => `/manage/sessions/${fx.open}`, act: clearSessionDate, status: 422 },
  { name: 'roster', as: 'mediator', path: () => `/manage/sessions/${fx.open}/roster` },
  { name: 'attendance', as: 'mediator', path: () => `/manage/sessions/${fx.open}/attendance` },
  { name: 'attendance-sheet', as: 'mediator', path: () => `/manage/sessions/${fx.open}/sheet` },
  { name: 'structure-edit', as: 'mediator', path: () => `/manage/structures/${fx.structure}` },
  { name: 'structure-messages', as: 'mediator', path: () => `/manage/structures/${fx.structure}/messages` },
  { name: 'account', as: 'mediator', path: '/account' },
  { name: 'coordination', as: 'coordinator', path: '/coordination' },
  { name: 'coordination-users', as: 'coordinator', path: '/coordination/users' },
  { name: 'coordination-vocabulary', as: 'coordinator', path: '/coordination/vocabulary' },
  { name: 'coordination-outbox', as: 'coordinator', path: '/coordination/outbox' },
  { name: 'coordination-people', as: 'coordinator', path: '/coordination/people' },
];

/** clearSessionDate empties the date of the session form and saves. */
async function clearSessionDate(page) {
  await page.locator('main form input[type=date]').first().fill('');
  await submitEmpty(page);
}

const widths = [360, 1280];
let browser;
const contexts = {};
const findings = [];

before(async () => {
  browser = await launch();
  for (const width of widths) {
    for (const role of ['anonymous', 'mediator', 'professional', 'coordinator']) {
      const ctx = await newContext(browser, { width });
      if (role !== 'anonymous') await signIn(ctx, fx[role]);
      contexts[`${role}@${width}`] = ctx;
    }
  }
});

// The non-blocking findings are printed, and written to axe-findings.txt in the artifacts
// folder, which CI prints: go test shows a passing test's output only with -v.
after(async () => {
  const lines = [];
  if (findings.length) {
    lines.push('Non-blocking axe findings (impact minor or moderate), by rule:');
    const byRule = new Map();
    for (const f of findings) {
      const key = `[${f.impact}] ${f.id}: ${f.help}`;
      if (!byRule.has(key)) byRule.set(key, new Set());
      byRule.get(key).add(f.page);
    }
    for (const [rule, where] of byRule) lines.push(`  ${rule}\n      on ${[...where].join(', ')}`);
  } else {
    lines.push('No non-blocking axe finding.');
  }
  console.log('\n' + lines.join('\n'));
  writeFileSync(path.join(artifacts, 'axe-findings.txt'), lines.join('\n') + '\n');
  await browser?.close();
});

for (const p of pages) {
  for (const width of widths) {
    test(`${p.name} at ${width} px`, async (t) => {
      const path = typeof p.path === 'function' ? p.path() : p.path;
      assert.ok(path, `${p.name}: the fixture gave no address`);
      const page = await contexts[`${p.as || 'anonymous'}@${width}`].newPage();
      try {
        const resp = await page.goto(url(path));
        let status = resp.status();
        if (p.act && status < 500) {
          const missing = await p.act(page);
          if (missing) return t.skip(missing);
          status = await page.evaluate(() => performance.getEntriesByType('navigation')[0]?.responseStatus ?? 0);
        }
        assert.equal(status, p.status || 200, `${path}: status`);
        await page.waitForLoadState('load');

        const problems = [];
        const { blocking, others } = await axe(page);
        if (blocking.length) problems.push(`axe, serious or critical:\n${describeViolations(blocking)}`);
        for (const v of others) {
          console.log(`  axe [${v.impact}] ${v.id} on ${p.name} at ${width} px: ${v.help} (${v.nodes.map((n) => n.target).join(', ')})`);
          findings.push({ ...v, page: `${p.name}@${width}` });
        }
        for (const s of await structure(page)) problems.push(s);
        for (const s of await errorLinks(page)) problems.push(s);
        if (width === 360) {
          for (const s of await smallTargets(page)) problems.push(`touch target under 44 px: ${s}`);
          await shoot(page, `pages/${p.name}-360`);
          await page.setViewportSize({ width: 320, height: 780 });
          for (const s of await horizontalOverflow(page)) problems.push(`horizontal scroll at 320 px: ${s}`);
        } else {
          for (const s of await focusVisible(page)) problems.push(`no visible focus on ${s}`);
          for (const s of await textZoom(page)) problems.push(`text at 200 %: ${s}`);
          await shoot(page, `pages/${p.name}-1280`);
        }
        assert.deepEqual(problems, [], `${p.name} at ${width} px (${path}):\n${problems.join('\n')}`);
      } finally {
        await page.close();
      }
    });
  }
}

test('another site may frame the embed, and no other page', async () => {
  const page = await contexts['anonymous@1280'].newPage();
  try {
    const framed = async (path) => {
      await page.goto(`${helper}/frame?src=${encodeURIComponent(url(path))}`);
      await page.waitForTimeout(300);
      const frame = page.frames().find((f) => f !== page.mainFrame());
      if (!frame) return null;
      // A refused frame holds the browser's own error page, not Escale's main content.
      if (await frame.locator('main#contenu').count() === 0) return null;
      return frame.locator('h1').first().textContent();
    };
    const embed = await framed(`/embed?structure=${fx.structure}`);
    assert.match(embed ?? '', /Prochains ateliers numériques/, 'the embed does not show in another site');
    await shoot(page, 'pages/embed-framed');
    for (const path of ['/', `/structures/${fx.structure}`]) {
      assert.equal(await framed(path), null, `${path} shows in another site's frame`);
    }
  } finally {
    await page.close();
  }
});

test('the month prints as a grid on a landscape page, without the controls', async () => {
  const page = await contexts['anonymous@360'].newPage();
  try {
    await page.goto(url('/month'));
    await page.emulateMedia({ media: 'print' });
    const shown = await page.evaluate(() => {
      const visible = (sel) => [...document.querySelectorAll(sel)].some((el) => getComputedStyle(el).display !== 'none');
      return {
        controls: ['header.site nav', '.views', '.month-pager', '.skip', 'footer.site', '.print-hint'].filter(visible),
        grid: getComputedStyle(document.querySelector('.month-grid')).display,
        weekdays: visible('.month .weekdays'),
      };
    });
    assert.deepEqual(shown.controls, [], 'controls printed');
    assert.equal(shown.grid, 'grid', 'the month prints as a list, even from a phone');
    assert.ok(shown.weekdays, 'the week days are not printed');
    const pdf = await page.pdf({ path: path.join(artifacts, 'pages', 'month-print.pdf'), preferCSSPageSize: true, printBackground: true });
    // Each page object of the PDF has its MediaBox (the page tree's default comes first).
    const sizes = [...pdf.toString('latin1').matchAll(/\/Type\s*\/Page\b[^]*?\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
    assert.ok(sizes.length >= 1, 'no page in the PDF');
    assert.ok(sizes.every(([w, h]) => w > h), `pages not in landscape: ${JSON.stringify(sizes)}`);
    console.log(`  the month of the whole territory prints on ${sizes.length} landscape page(s) (pages/month-print.pdf)`);
    await page.emulateMedia({ media: 'screen' });
  } finally {
    await page.close();
  }
});

test('the list prints without its search form', async () => {
  const page = await contexts['anonymous@1280'].newPage();
  try {
    await page.goto(url('/?level=debutant'));
    await page.emulateMedia({ media: 'print' });
    const hidden = await page.evaluate(() => ['.filters', '.subscribe', '.views'].every((sel) => getComputedStyle(document.querySelector(sel)).display === 'none'));
    assert.ok(hidden, 'the search form, subscription or views are printed');
    await page.pdf({ path: path.join(artifacts, 'pages', 'calendar-print.pdf') });
  } finally {
    await page.close();
  }
});

/** keyboardForm tabs through a form: every control is reached, in order, with a visible focus. */
async function keyboardForm(page, form) {
  const want = await expectedTabStops(page, form);
  const { reached, unseen } = await tabOrder(page, form);
  assert.deepEqual(reached, want, `${form}: Tab order`);
  assert.deepEqual(unseen, [], `${form}: controls without a visible focus`);
}

test('the join form is filled and sent with the keyboard alone', async () => {
  const ctx = await newContext(browser, { width: 1280 });
  const page = await ctx.newPage();
  try {
    await page.goto(url('/join'));
    await keyboardForm(page, 'main form');
    const type = async (label, text) => { await page.getByLabel(label).focus(); await page.keyboard.type(text); };
    await type('Nom de la structure', 'Maison du clavier');
    await page.getByLabel('Type de structure').focus();
    await page.keyboard.press('ArrowDown');
    await page.getByLabel('Adresse', { exact: true }).focus();
    await page.keyboard.type('1 place du Clavier');
    await type('Code postal', '54000');
    await type('Commune', 'Nancy');
    await type('Votre prénom et votre nom', 'Camille Clavier');
    await type('Votre adresse électronique', 'clavier@escale.test');
    await page.getByLabel(/J'accepte que les informations/).focus();
    await page.keyboard.press('Space');
    await page.getByRole('button', { name: 'Envoyer la demande' }).focus();
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    await page.getByRole('heading', { level: 1, name: 'Votre demande est envoyée' }).waitFor();
  } finally {
    await ctx.close();
  }
});

test('the orientation form is reached and used with the keyboard', async (t) => {
  const page = await contexts['professional@1280'].newPage();
  try {
    const resp = await page.goto(url(`/sessions/${fx.open}/enroll`));
    assert.equal(resp.status(), 200, 'orientation form');
    await keyboardForm(page, 'main form:not(.inline)');
  } finally {
    await page.close();
  }
});

test('the map opens a place with the keyboard', async () => {
  const page = await contexts['anonymous@1280'].newPage();
  try {
    await page.goto(url('/map'));
    const markers = page.locator('.leaflet-marker-icon');
    await markers.first().waitFor();
    const list = await page.locator('.map-place[data-lat]').count();
    assert.equal(await markers.count(), list, 'one pin per place of the list');
    const alt = await markers.first().getAttribute('alt');
    assert.ok(alt && alt.length > 3, `pin without a name: ${alt}`);
    await markers.first().focus();
    await page.keyboard.press('Enter');
    const popup = page.locator('.leaflet-popup-content');
    await popup.waitFor();
    assert.ok((await popup.textContent()).includes(alt), 'the popup does not name the place');
    assert.ok(await popup.locator('a').count() >= 2, 'the popup has no links');
    assert.equal(await page.locator('.leaflet-popup-close-button').getAttribute('aria-label'), 'Fermer');
    await shoot(page, 'pages/map-popup');
    // Without JavaScript, the list is the page.
    const nojs = await newContext(browser, { width: 360, js: false });
    const p2 = await nojs.newPage();
    await p2.goto(url('/map'));
    assert.equal(await p2.locator('#carte').isVisible(), false, 'an empty map frame shows without JavaScript');
    assert.equal(await p2.locator('.map-place').count() >= list, true, 'the list is missing without JavaScript');
    await shoot(p2, 'pages/map-nojs-360');
    await nojs.close();
  } finally {
    await page.close();
  }
});
