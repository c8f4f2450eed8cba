// A static site whose labs run on a hosted runner (`[labs] endpoint`), in headless Chromium with
// the pages' own Content-Security-Policy in force (no bypass):
//   - the fixture site (tests/fixtures/serve-site) is built with `endpoint` set to a real
//     `aula labs serve` on loopback that allows the static server's origin, and served as files;
//   - Run on a lab's page POSTs to the runner (CORS preflight and all), gets 200 and shows the
//     live answer; no console error, no CSP violation;
//   - with the runner stopped, Run falls back to the recorded examples with the localized note;
//   - screenshots: target/browser-screenshots/hosted-{live,fallback}.png.
// Usage: node hosted.mjs <aula binary> <lab binaries folder>.
import { spawn, execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { assert, check, exitCode, launch, screenshot, serveStatic } from './lib.mjs';

const [aula = 'target/debug/aula', labBin = 'target/debug'] = process.argv.slice(2);
const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const env = { ...process.env, AULA_LAB_BIN_DIR: path.resolve(labBin) };
const TIMEOUT = 30000;

// The project: the fixture site with the course's templates, static files, strings and labs.
const work = mkdtempSync(path.join(tmpdir(), 'aula-hosted-'));
const project = path.join(work, 'site');
const out = path.join(work, 'public');
cpSync(path.join(repo, 'tests/fixtures/serve-site'), project, { recursive: true });
for (const shared of ['templates', 'static', 'locales', 'labs/manifests']) {
  cpSync(path.join(repo, shared), path.join(project, shared), { recursive: true });
}

const site = await serveStatic(out);
const runner = spawn(path.resolve(aula), ['labs', 'serve', '--root', project, '--port', '0', '--rate', '0', '--allow-origin', site.url], { env, stdio: ['ignore', 'pipe', 'inherit'] });
const runnerUrl = await new Promise((resolve, reject) => {
  const lines = createInterface({ input: runner.stdout });
  lines.once('line', (line) => {
    try { resolve(JSON.parse(line).address); } catch (err) { reject(err); }
  });
  runner.once('exit', (code) => reject(new Error(`aula labs serve exited with ${code}`)));
});
appendFileSync(path.join(project, 'aula.toml'), `\n[labs]\nendpoint = "${runnerUrl}"\n`);
execFileSync(path.resolve(aula), ['build', '--root', project, '--output', out], { env, stdio: ['ignore', 'ignore', 'inherit'] });

const browser = await launch();
const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
const page = await context.newPage();
page.setDefaultTimeout(TIMEOUT);
const problems = [];
page.on('pageerror', (e) => problems.push(`JavaScript error: ${e.message}`));
page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
const lab = page.locator('section.lab').first();
try {
  await check('hosted runner: Run on a static page POSTs to the endpoint and shows the live answer', async () => {
    await page.goto(`${site.url}/en/basics/windows/`, { waitUntil: 'load' });
    await page.waitForFunction(() => document.querySelector('section.lab')?.dataset.runner);
    assert(await lab.getAttribute('data-runner') === 'live', `runner is ${await lab.getAttribute('data-runner')}`);
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().startsWith(`${runnerUrl}/_aula/labs/`) && r.request().method() === 'POST'),
      lab.locator('.lab-run').click(),
    ]);
    assert(response.status() === 200, `POST answered ${response.status()}`);
    await page.waitForFunction((el) => el.dataset.state === 'live', await lab.elementHandle());
    await screenshot(page, 'hosted-live', lab);
    assert(problems.length === 0, problems[0]);
  });

  await check('hosted runner: when it is gone, Run falls back to the recorded examples with a note', async () => {
    runner.kill('SIGTERM');
    await new Promise((resolve) => runner.once('exit', resolve));
    problems.length = 0;
    await lab.locator('.lab-run').click();
    await page.waitForFunction((el) => el.dataset.runner === 'static', await lab.elementHandle());
    assert(await lab.getAttribute('data-state') === 'recorded', `state is ${await lab.getAttribute('data-state')}`);
    const note = (await lab.locator('.lab-static-note').textContent()).trim();
    assert(note.length > 0 && await lab.locator('.lab-static-note').isVisible(), 'no note says why');
    await screenshot(page, 'hosted-fallback', lab);
    // The refused connection itself is logged by Chromium; a CSP violation would be too.
    const csp = problems.filter((p) => /Content Security Policy/i.test(p));
    assert(csp.length === 0, csp[0]);
  });
} finally {
  if (runner.exitCode === null) runner.kill('SIGKILL');
  await browser.close();
  await site.close();
  rmSync(work, { recursive: true, force: true });
}
process.exit(exitCode());
