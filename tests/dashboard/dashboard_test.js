// envoid's dashboard in headless Chromium: the token asked for, the counts, the list and its
// search, a message's history and source, a captured HTML body shown without running its
// scripts, an attachment downloaded, retry on a failed message, and screenshots kept.
//
// Environment: ENVOID_URL (the page), ENVOID_TOKEN, DASH_PLAIN_ID, DASH_PLAIN_SEARCH,
// DASH_HTML_ID, DASH_ATTACH_ID, DASH_ATTACH_NAME, DASH_ATTACH_SIZE, DASH_ERROR_ID,
// DASH_ARTIFACTS (a directory for screenshots and downloads), CHROMIUM (default
// /usr/bin/chromium). Prints "ok - ..." / "FAIL - ..." lines; exits 1 when any failed.
'use strict';

const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error('missing environment variable ' + name);
  return v;
};

let failed = 0;
function check(what, ok, detail) {
  if (ok) {
    console.log('ok - ' + what);
  } else {
    failed++;
    console.log('FAIL - ' + what + (detail !== undefined ? '\n    got: ' + detail : ''));
  }
}

// Wait for fn() to be true; false after the time given (not an assertion on time: a bound).
async function until(fn, ms = 20000) {
  const end = Date.now() + ms;
  for (;;) {
    try {
      if (await fn()) return true;
    } catch (e) { /* not there yet */ }
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function main() {
  const url = env('ENVOID_URL');
  const artifacts = env('DASH_ARTIFACTS');
  fs.mkdirSync(artifacts, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    // Chromium's own sandbox cannot run as root (the tests do).
    args: process.getuid && process.getuid() === 0 ? ['--no-sandbox'] : [],
  });
  try {
    await run(browser, url, artifacts);
  } finally {
    await browser.close();
  }
}

async function run(browser, url, artifacts) {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const pageErrors = [];
  const consoleLines = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => consoleLines.push(m.text()));
  page.on('dialog', (d) => d.dismiss());

  // ---- load: the page comes without the token, under a strict policy ----------------------
  const resp = await page.goto(url);
  check('the page loads (200)', resp && resp.status() === 200, resp && resp.status());
  const csp = (resp && resp.headers()['content-security-policy']) || '';
  check('the page has a Content-Security-Policy allowing only its own script',
    /default-src 'none'/.test(csp) && /script-src 'sha256-[A-Za-z0-9+/=]+'(;|$)/.test(csp), csp);
  check('without the token it asks for one', await until(() => page.isVisible('#login')));
  check('and shows no queue data', await page.isHidden('#main'));

  await page.fill('#token', 'not the token at all');
  await page.click('#login-form button[type=submit]');
  check('a wrong token is refused', await until(async () =>
    /refused/.test(await page.textContent('#login-note')) && await page.isVisible('#login')));

  await page.fill('#token', env('ENVOID_TOKEN'));
  await page.click('#login-form button[type=submit]');
  check('with the token the dashboard opens', await until(() => page.isVisible('#main')));
  check('the token is kept in sessionStorage only', await page.evaluate(
    (t) => sessionStorage.getItem('envoid-token') === t && !localStorage.length && !document.cookie,
    env('ENVOID_TOKEN')));

  // ---- counts and list ---------------------------------------------------------------------
  check('the counts show the sent messages', await until(async () =>
    Number(await page.textContent('#count-sent')) >= 3), await page.textContent('#count-sent'));
  check('and the failed one', await until(async () =>
    Number(await page.textContent('#count-error')) >= 1), await page.textContent('#count-error'));
  const plain = env('DASH_PLAIN_ID');
  check('the list holds the messages', await until(() => page.isVisible(`#rows tr[data-id="${plain}"]`)));
  const before = await page.locator('#rows tr').count();
  check('more than one of them', before > 1, before);

  // ---- search --------------------------------------------------------------------------------
  await page.fill('#search', env('DASH_PLAIN_SEARCH'));
  check('the search narrows the list to the message', await until(async () =>
    (await page.locator('#rows tr').count()) === 1 &&
    (await page.getAttribute('#rows tr', 'data-id')) === plain),
    await page.locator('#rows tr').count());
  await page.fill('#search', 'no message says zzqqxxnothing');
  check('a search matching nothing empties it', await until(() => page.isVisible('#empty')));
  await page.fill('#search', '');
  check('clearing the search brings them back', await until(async () =>
    (await page.locator('#rows tr').count()) === before));

  // ---- a message: fields, recipients, history, source ------------------------------------------
  await page.click(`#rows tr[data-id="${plain}"]`);
  check('opening a message shows its detail', await until(async () =>
    (await page.getAttribute('#detail', 'data-id')) === plain && page.isVisible('#detail')));
  check('with its status', (await page.textContent('#detail-fields')).includes('sent'));
  check('its recipients', (await page.locator('#recipients tbody tr').count()) >= 1);
  const hist = await page.locator('#history tbody tr').count();
  check('and its history (the capture delivery)', hist >= 1, hist);
  await page.click('#source');
  check('its source can be shown', await until(async () =>
    (await page.textContent('#source-text')).includes('Subject:')));

  // ---- the capture mailbox: the HTML body sandboxed ----------------------------------------------
  await page.click('#tabs button[data-tab="capture"]');
  const html = env('DASH_HTML_ID');
  check('the capture mailbox is listed', await until(() => page.isVisible(`#rows tr[data-id="${html}"]`)));
  await page.click(`#rows tr[data-id="${html}"]`);
  check('a captured message opens', await until(async () =>
    (await page.getAttribute('#capture', 'data-id')) === html));
  const sandbox = await page.getAttribute('#capture-html', 'sandbox');
  check('its HTML body is in a frame sandboxed with nothing allowed', sandbox === '', sandbox);
  const frame = page.frameLocator('#capture-html');
  check('the HTML body is rendered in the frame', await until(async () =>
    (await frame.locator('#m').textContent({ timeout: 1000 })) !== null));
  await page.waitForTimeout(300); // give a script that could run its chance: it must not
  const inFrame = await frame.locator('#m').textContent();
  check('the message\'s script did not run in the frame', inFrame === 'captured html', inFrame);
  const frameMarker = await frame.locator('body').getAttribute('data-pwned');
  check('nor its event handlers', frameMarker === null, frameMarker);
  const marks = await page.evaluate(() => [document.body.dataset.pwned || null, window.pwned || null,
    document.title, document.querySelectorAll('script').length]);
  check('nothing of it reached the dashboard', marks[0] === null && marks[1] === null &&
    marks[2] === 'envoid' && marks[3] === 1, JSON.stringify(marks));
  check('and no message HTML was put into the dashboard\'s own page',
    (await page.locator('#main #m').count()) === 0);
  check('Chromium reports the message\'s script blocked in the frame',
    consoleLines.some((l) => /Blocked script execution in 'about:srcdoc'/.test(l)), consoleLines.join(' | '));
  await page.mouse.move(0, 0);
  await page.screenshot({ path: path.join(artifacts, 'dashboard-capture.png'), fullPage: true });

  // ---- an attachment ---------------------------------------------------------------------------
  const attach = env('DASH_ATTACH_ID');
  await page.click(`#rows tr[data-id="${attach}"]`);
  check('the attachment is listed', await until(() => page.isVisible('#attachments li button')));
  const [download] = await Promise.all([page.waitForEvent('download'),
    page.click('#attachments li button')]);
  const saved = path.join(artifacts, 'download.bin');
  await download.saveAs(saved);
  check('it downloads under its own name, without a directory',
    download.suggestedFilename() === env('DASH_ATTACH_NAME'), download.suggestedFilename());
  check('with its decoded bytes', fs.statSync(saved).size === Number(env('DASH_ATTACH_SIZE')),
    fs.statSync(saved).size);

  // ---- retry a failed message ---------------------------------------------------------------------
  await page.click('#tabs button[data-tab="error"]');
  const bad = env('DASH_ERROR_ID');
  check('the error tab lists the failed message', await until(() => page.isVisible(`#rows tr[data-id="${bad}"]`)));
  await page.click(`#rows tr[data-id="${bad}"]`);
  check('it opens with its failed attempt', await until(async () =>
    (await page.getAttribute('#detail', 'data-status')) === 'error' &&
    (await page.textContent('#history')).includes('550')));
  check('retry is offered, cancel is not',
    (await page.isEnabled('#retry')) && !(await page.isEnabled('#cancel')));
  await page.click('#retry');
  check('retry puts it back in the queue', await until(async () =>
    /retry: \w+ is (pending|sent)/.test(await page.textContent('#note'))),
    await page.textContent('#note'));
  check('and it is delivered (to the capture mailbox) this time', await until(async () => {
    await page.click('#refresh');
    await page.waitForTimeout(200);
    return (await page.getAttribute('#detail', 'data-status')) === 'sent';
  }, 30000), await page.getAttribute('#detail', 'data-status'));
  check('its history has both attempts', (await page.locator('#history tbody tr').count()) >= 2);

  // ---- pause and resume ---------------------------------------------------------------------------
  await page.click('#pause');
  check('pause shows the spooler paused', await until(() => page.isVisible('#paused')));
  await page.click('#resume');
  check('resume clears it', await until(() => page.isHidden('#paused')));

  await page.click('#tabs button[data-tab=""]');
  await page.click(`#rows tr[data-id="${bad}"]`);
  await until(async () => (await page.getAttribute('#detail', 'data-id')) === bad);
  await page.mouse.move(0, 0);
  const shot = path.join(artifacts, 'dashboard.png');
  await page.screenshot({ path: shot, fullPage: true });
  check('a screenshot is kept', fs.statSync(shot).size > 1000);
  console.log('# screenshot: ' + shot);
  console.log('# screenshot: ' + path.join(artifacts, 'dashboard-capture.png'));
  check('no script error in the page', pageErrors.length === 0, pageErrors.join(' | '));
  await context.close();
  await control(browser, url, html);
}

// The same page with its defences taken off (no policy, no sandbox): the message's script
// runs there, so the checks above could see it if it ran in the real page.
async function control(browser, url, html) {
  const context = await browser.newContext();
  await context.route(url, async (route) => {
    const resp = await route.fetch();
    const headers = { ...resp.headers() };
    delete headers['content-security-policy'];
    const body = (await resp.text()).replace('sandbox=""', '')
      .replace(/const FRAME_POLICY = `[^`]*`/, 'const FRAME_POLICY = ``');
    await route.fulfill({ response: resp, headers, body });
  });
  const page = await context.newPage();
  await page.goto(url);
  await page.fill('#token', env('ENVOID_TOKEN'));
  await page.click('#login-form button[type=submit]');
  await until(() => page.isVisible('#main'));
  await page.click('#tabs button[data-tab="capture"]');
  await until(() => page.isVisible(`#rows tr[data-id="${html}"]`));
  await page.click(`#rows tr[data-id="${html}"]`);
  const frame = page.frameLocator('#capture-html');
  check('control: with the defences stripped the same script does run', await until(async () =>
    (await frame.locator('#m').textContent({ timeout: 1000 })) === 'PWNED' &&
    (await page.evaluate(() => document.body.dataset.pwned)) === 'script'));
  await context.close();
}

main().then(() => process.exit(failed ? 1 : 0), (e) => {
  console.log('FAIL - the browser run stopped: ' + (e && e.stack ? e.stack : e));
  process.exit(1);
});
