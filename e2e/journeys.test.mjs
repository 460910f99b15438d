// The main journeys of issue 6 §3 (1 to 4), in the browser against the real server, with a
// screenshot of each step (artifacts/browser/journeys/). Each runs with JavaScript and
// again without it (§3.5): every page and form must work without a script.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fx, url, artifacts, launch, newContext, signIn, shoot, mail, linkIn } from './lib.mjs';

const artifactsDir = () => artifacts;

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** isoDate formats a Date as YYYY-MM-DD (local time of the test, which runs in Paris days). */
const isoDate = (d) => d.toISOString().slice(0, 10);
const addDays = (d, n) => new Date(d.getTime() + n * 86400000);

/** click clicks and waits for the page it leads to. */
async function click(page, locator) {
  await Promise.all([page.waitForNavigation(), locator.click()]);
}

/** feedEvent returns the VEVENT of a session in an iCalendar feed, unfolded. */
async function feedEvent(path, sessionID) {
  const resp = await fetch(url(path));
  assert.equal(resp.status, 200, `${path}: status`);
  const text = (await resp.text()).replace(/\r\n[ \t]/g, '');
  const events = text.split('BEGIN:VEVENT').slice(1).map((e) => e.split('END:VEVENT')[0]);
  const ev = events.find((e) => new RegExp(`^UID:session-${sessionID}@`, 'm').test(e));
  assert.ok(ev, `${path}: no event for session ${sessionID} in\n${text.slice(0, 500)}`);
  const field = (name) => (ev.match(new RegExp(`^${name}[^:\\r\\n]*:(.*)$`, 'm')) || [])[1];
  return { dtstart: field('DTSTART'), sequence: Number(field('SEQUENCE') || 0), raw: ev };
}

for (const js of [true, false]) {
  const mode = js ? 'js' : 'nojs';
  describe(`${js ? 'with' : 'without'} JavaScript`, () => {
    test('1. a coordinator validates a new structure; its mediator signs in and publishes a weekly series', async () => {
      const name = `Tiers-lieu des Essais ${js ? 'A' : 'B'}`;
      const member = { email: `tiers-lieu-${mode}@escale.test`, password: 'ma phrase de passe du tiers-lieu' };
      const step = (page, n, what) => shoot(page, `journeys/1-${mode}-${String(n).padStart(2, "0")}-${what}`);

      // The structure asks to join.
      const visitor = await newContext(browser, { js });
      let page = await visitor.newPage();
      await page.goto(url('/join'));
      await page.getByLabel('Nom de la structure').fill(name);
      await page.getByLabel('Type de structure').selectOption({ index: 1 });
      await page.getByLabel('Adresse', { exact: true }).fill('7 rue des Essais');
      await page.getByLabel('Code postal').fill('54000');
      await page.getByLabel('Commune').fill('Nancy');
      await page.getByLabel('Votre prénom et votre nom').fill('Lou Essai');
      await page.getByLabel('Votre adresse électronique').fill(member.email);
      await page.getByLabel(/J'accepte que les informations/).check();
      await step(page, 1, 'join-form');
      await click(page, page.getByRole('button', { name: 'Envoyer la demande' }));
      await assert.doesNotReject(page.getByRole('heading', { level: 1, name: 'Votre demande est envoyée' }).waitFor());
      await step(page, 2, 'join-sent');
      await visitor.close();

      // The coordinator accepts it.
      const coordination = await newContext(browser, { js });
      await signIn(coordination, fx.coordinator);
      page = await coordination.newPage();
      await page.goto(url('/coordination'));
      await step(page, 3, 'coordination');
      await click(page, page.getByRole('button', { name: `Accepter la demande de ${name}` }));
      await step(page, 4, 'accepted');
      await coordination.close();

      // The mediator follows the emailed invitation and chooses a password.
      const [invitation] = await mail(member.email);
      assert.ok(invitation, `no email to ${member.email}`);
      const mediator = await newContext(browser, { js });
      page = await mediator.newPage();
      await page.goto(url(linkIn(invitation.text, '/invitations/')));
      await page.getByLabel('Choisissez un mot de passe').fill(member.password);
      await page.getByLabel('Tapez le même mot de passe une deuxième fois').fill(member.password);
      await step(page, 5, 'invitation');
      await click(page, page.getByRole('button', { name: "Accepter l'invitation" }));
      assert.equal(new URL(page.url()).pathname, '/manage');
      await step(page, 6, 'dashboard');

      // A workshop, published at once.
      const title = `Atelier tablette ${js ? 'A' : 'B'} des Essais`;
      await click(page, page.getByRole('link', { name: 'Créer un atelier' }));
      await page.getByLabel("Titre de l'atelier").fill(title);
      await page.getByLabel('Résumé en une phrase').fill('Prendre en main une tablette, pas à pas.');
      await page.getByLabel('Description en langage simple').fill('Allumer la tablette, toucher, glisser, ouvrir une application.');
      await page.getByLabel('Niveau le plus bas').selectOption('debutant');
      await page.getByLabel('Niveau le plus haut').selectOption('intermediaire');
      await page.getByRole('group', { name: 'Thèmes' }).getByLabel('Prise en main').check();
      await step(page, 7, 'workshop-form');
      await click(page, page.getByRole('button', { name: 'Enregistrer et publier' }));
      await step(page, 8, 'workshop-saved');

      // A weekly series over four weeks, checked before it is created.
      await click(page, page.getByRole('link', { name: 'Ajouter des séances' }).first());
      const first = addDays(new Date(), 21);
      await page.getByLabel('Chaque semaine, entre deux dates').check();
      await page.getByLabel("Date de la séance, ou de la première séance d'une série").fill(isoDate(first));
      await page.getByLabel("Dernière date possible d'une série").fill(isoDate(addDays(first, 21)));
      await page.getByLabel('Heure de début').fill('14:00');
      await page.getByLabel('Heure de fin').fill('16:00');
      await step(page, 9, 'series-form');
      await click(page, page.getByRole('button', { name: 'Voir les dates' }));
      await step(page, 10, 'series-check');
      const create = page.getByRole('button', { name: /^Créer \d+ séances?$/ });
      const planned = Number((await create.textContent()).match(/\d+/)[0]);
      assert.ok(planned >= 3, `${planned} sessions planned for four weeks`);
      await click(page, create);
      await step(page, 11, 'series-created');
      await mediator.close();

      // Anyone finds the sessions in the calendar.
      const anyone = await newContext(browser, { js });
      page = await anyone.newPage();
      await page.goto(url(`/?q=${encodeURIComponent(title)}`));
      const cards = page.locator('li.card', { hasText: title });
      assert.equal(await cards.count(), planned, 'sessions in the public calendar');
      await step(page, 12, 'public-calendar');
      await anyone.close();
    });

    test('2. a professional finds a session by level and theme, orients a person whose level is too low, follows the alternative, prints the convocation', async (t) => {
      const step = (page, n, what) => shoot(page, `journeys/2-${mode}-${String(n).padStart(2, '0')}-${what}`);
      const ctx = await newContext(browser, { js });
      await signIn(ctx, fx.professional);
      const page = await ctx.newPage();
      const resp = await page.goto(url(`/sessions/${fx.open}/enroll`));
      assert.equal(resp.status(), 200, 'orientation form');

      await page.goto(url('/'));
      await page.getByRole('group', { name: 'Niveau de la personne' }).getByLabel('Débutant').check();
      await page.getByText('Plus de critères').click();
      await page.getByRole('group', { name: 'Thème' }).getByLabel('Prise en main').check();
      await page.getByLabel('Mot-clé').fill('tablette');
      await step(page, 1, 'search');
      await click(page, page.getByRole('button', { name: 'Rechercher' }));
      const card = page.locator(`li.card a[href="/sessions/${fx.open}"]`);
      for (let i = 0; i < 10 && await card.count() === 0; i++) {
        await click(page, page.getByRole('link', { name: /Séances suivantes/ }));
      }
      await step(page, 2, 'found');
      await click(page, card);
      await click(page, page.getByRole('link', { name: 'Inscrire une personne' }));
      await page.getByLabel('Prénom ou initiales').fill(`Noa ${mode}`);
      await page.getByRole('group', { name: /Comment la personne veut être prévenue/ }).getByLabel(/Par moi/).check();
      await page.getByRole('group', { name: 'Niveau de la personne en numérique' }).getByLabel(/^Éloigné/).check();
      await page.getByLabel("J'ai lu ce texte à la personne et elle est d'accord.").check();
      await step(page, 3, 'orientation');
      await click(page, page.getByRole('button', { name: 'Inscrire la personne' }));
      await page.getByRole('heading', { name: "Cette séance n'est pas prévue pour son niveau" }).waitFor();
      await step(page, 4, 'level-check');
      await click(page, page.locator('.alternatives button').first());
      await page.getByRole('heading', { level: 1, name: /^Inscription confirmée/ }).waitFor();
      assert.match(new URL(page.url()).pathname, /^\/c\//, 'the convocation is the person\'s page');
      await step(page, 5, 'convocation');
      await page.emulateMedia({ media: 'print' });
      const printed = await page.evaluate(() => ({
        convocation: getComputedStyle(document.querySelector('.convocation')).display !== 'none',
        controls: [...document.querySelectorAll('.no-print, header.site, form')].filter((e) => e.getClientRects().length > 0).length,
      }));
      assert.ok(printed.convocation && printed.controls === 0, `printed: ${JSON.stringify(printed)}`);
      const pdf = await page.pdf({ path: `${artifactsDir()}/journeys/2-${mode}-06-convocation.pdf`, format: 'A4' });
      const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page\b/g) || []).length;
      assert.equal(pages, 1, 'the convocation prints on one page');
      await ctx.close();
    });

    test('3. the session fills up, the next person waits, the first cancels by the link, the waiting one is promoted', async (t) => {
      const step = (page, n, what) => shoot(page, `journeys/3-${mode}-${String(n).padStart(2, '0')}-${what}`);
      const session = fx.small[js ? 0 : 1];
      const enroll = async (name) => {
        const ctx = await newContext(browser, { js });
        const page = await ctx.newPage();
        const resp = await page.goto(url(`/sessions/${session}/self-enroll`));
        assert.equal(resp.status(), 200, 'self-enrollment form');
        await page.getByLabel('Votre prénom (ou vos initiales)').fill(name);
        await page.getByRole('group', { name: /Comment voulez-vous être prévenu/ }).getByLabel(/Sur papier seulement/).check();
        await page.getByRole('group', { name: 'Votre niveau en numérique' }).getByLabel(/^Débutant/).check();
        await page.getByLabel("J'ai lu ce texte et je suis d'accord.").check();
        await click(page, page.getByRole('button', { name: "M'inscrire" }));
        return { ctx, page, link: new URL(page.url()).pathname };
      };
      const first = await enroll(`Ali ${mode}`);
      await first.page.getByRole('heading', { level: 1, name: /^Inscription confirmée/ }).waitFor();
      await step(first.page, 1, 'first-confirmed');
      const second = await enroll(`Bea ${mode}`);
      await second.page.getByRole('heading', { level: 1, name: /^Liste d'attente/ }).waitFor();
      await step(second.page, 2, 'second-waiting');

      // The first person cancels from the link of their convocation.
      await first.page.goto(url(first.link));
      const ask = first.page.getByRole('link', { name: 'Annuler mon inscription' });
      if (await ask.count()) await click(first.page, ask);
      await step(first.page, 3, 'cancel');
      await click(first.page, first.page.getByRole('button', { name: "Oui, j'annule mon inscription" }));
      await first.page.getByRole('heading', { level: 1, name: /^Inscription annulée/ }).waitFor();
      await step(first.page, 4, 'cancelled');

      // The waiting person's page now says the seat is theirs.
      await second.page.goto(url(second.link));
      await second.page.getByRole('heading', { level: 1, name: /^Inscription confirmée/ }).waitFor();
      await step(second.page, 5, 'promoted');
      await first.ctx.close();
      await second.ctx.close();
    });

    test('4. the mediator moves a session; the feed shows the new time with a higher SEQUENCE', async () => {
      const hour = js ? 15 : 16;
      const step = (page, n, what) => shoot(page, `journeys/4-${mode}-${String(n).padStart(2, "0")}-${what}`);
      const feeds = [`/sessions/${fx.movable}.ics`, `/structures/${fx.structure}/calendar.ics`, '/calendar.ics'];
      const before = await feedEvent(feeds[0], fx.movable);

      const ctx = await newContext(browser, { js });
      await signIn(ctx, fx.mediator);
      const page = await ctx.newPage();
      await page.goto(url(`/manage/sessions/${fx.movable}`));
      await step(page, 1, 'session');
      await page.getByLabel('Heure de début').fill(`${hour}:00`);
      await page.getByLabel('Heure de fin').fill(`${hour + 2}:00`);
      await click(page, page.getByRole('button', { name: 'Enregistrer' }));
      await step(page, 2, 'confirm');
      const confirm = page.getByRole('button', { name: 'Confirmer le changement' });
      if (await confirm.count()) await click(page, confirm);
      await step(page, 3, 'moved');
      await ctx.close();

      for (const feed of feeds) {
        const after = await feedEvent(feed, fx.movable);
        assert.match(after.dtstart, new RegExp(`T${hour}0000$`), `${feed}: DTSTART ${after.dtstart}`);
        assert.ok(after.sequence > before.sequence, `${feed}: SEQUENCE ${after.sequence}, was ${before.sequence}`);
      }
      // And the public page says the new time.
      const anyone = await newContext(browser, { js });
      const pub = await anyone.newPage();
      await pub.goto(url(`/sessions/${fx.movable}`));
      assert.match(await pub.locator('main').textContent(), new RegExp(`de ${hour} h à ${hour + 2} h`));
      await step(pub, 4, 'public');
      await anyone.close();
    });
  });
}
