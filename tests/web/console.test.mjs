// Browser tests of the web console: a real `dancu serve` on a commune with residents, driven in
// Debian's headless Chromium through playwright-core. Screenshots go to $DANCU_WEB_ARTIFACTS.
//
// Run by CTest (tests/web/CMakeLists.txt) as: node --test console.test.mjs, with DANCU_BINARY,
// DANCU_WEB_ARTIFACTS and CHROMIUM set. `npm ci` in tests/web installs playwright-core first
// (tools/setup.sh does it).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const DANCU = process.env.DANCU_BINARY;
const ARTIFACTS = process.env.DANCU_WEB_ARTIFACTS || join(tmpdir(), 'dancu-web-artifacts');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SAMPLE_PHOTO = process.env.DANCU_SAMPLE_PHOTO;      // tools/fixtures' dancu-sample-photo
const VIRTUAL_FINGER = process.env.DANCU_VIRTUAL_FINGER;  // tools/fixtures' dancu-virtual-finger
const PRINTS = `${process.env.DANCU_SHARED_DATA}/prints`;
const PASSWORD = 'mật khẩu của An';
const OFFICER = 'officer.an';

assert.ok(DANCU, 'set DANCU_BINARY to the dancu binary');
assert.ok(SAMPLE_PHOTO && VIRTUAL_FINGER && process.env.DANCU_SHARED_DATA,
          'set DANCU_SAMPLE_PHOTO, DANCU_VIRTUAL_FINGER and DANCU_SHARED_DATA');
mkdirSync(ARTIFACTS, { recursive: true });

const dir = mkdtempSync(join(tmpdir(), 'dancu-web-'));
const data = join(dir, 'node');
const socket = join(dir, 'reader.socket');
// The server's only fingerprint reader is libfprint's virtual_image on `socket`.
const env = { ...process.env, DANCU_OFFICER: OFFICER, DANCU_PASSWORD: PASSWORD,
              FP_DRIVERS_WHITELIST: 'virtual_image', FP_VIRTUAL_IMAGE: socket };
const dancu = (...args) => execFileSync(DANCU, args, { env, encoding: 'utf8' });

let server;
let url;
let browser;
let page;

// A resident of commune 00001 (Phường Phúc Xá, Hà Nội), as tests/support/test_node.cc makes them.
function resident(serial, fullName, extra = {}) {
  return {
    citizen_no: `001085${String(serial).padStart(6, '0')}`, full_name: fullName,
    birth_date: '1985-03-07', sex: 'male', ethnicity: 1, nationality: 'VN',
    hometown: { unit: '00001' },
    permanent_residence: { unit: '00001', address: 'Số 1 Phúc Xá' },
    household: { id: `HK${serial}`, relationship: 'head' }, ...extra,
  };
}

function startServer() {
  return new Promise((resolve, reject) => {
    const child = spawn(DANCU, ['serve', '--data', data, '--http', '127.0.0.1:0'], { env });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`dancu serve did not start: ${out}`)), 30000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const match = /serving the web console on (http:\/\/\S+)/.exec(out);
      if (match) { clearTimeout(timer); resolve({ child, url: match[1] }); }
    });
    child.stderr.on('data', (chunk) => { out += chunk; });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`dancu serve exited ${code}: ${out}`)); });
  });
}

async function shot(name) {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

before(async () => {
  dancu('init', '--data', data, '--role', 'commune', '--unit', '00001');
  dancu('officer', 'add', '--data', data, '--name', OFFICER);
  // Certified by a central node, so that biometrics can be sealed to central's key.
  const central = join(dir, 'central');
  dancu('init', '--data', central, '--role', 'central', '--unit', 'VN');
  dancu('cert', 'request', '--data', data, '--out', join(dir, 'request'));
  dancu('cert', 'issue', '--data', central, '--request', join(dir, 'request'), '--out', join(dir, 'chain'));
  dancu('cert', 'install', '--data', data, join(dir, 'chain'));
  execFileSync(SAMPLE_PHOTO, [join(dir, 'photo.jpg')]);
  const lines = [
    resident(1, 'Đặng Thị Hồng Nhung', { sex: 'female', citizen_no: '001185000001' }),
    resident(2, 'Nguyễn Văn An'),
    resident(3, 'Nguyễn Văn Bình', { household: { id: 'HK2', relationship: 'child' }, birth_date: '2010-05-01',
                                    citizen_no: '001210000003' }),
  ];
  writeFileSync(join(dir, 'residents.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  dancu('import', '--data', data, join(dir, 'residents.jsonl'));
  ({ child: server, url } = await startServer());
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1200, height: 900 }, locale: 'vi-VN' });
});

after(async () => {
  if (browser) await browser.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.on('exit', (code) => resolve(code)));
    server.kill('SIGTERM');
    assert.equal(await exited, 0, 'dancu serve exits 0 on SIGTERM');
    // Everything the browser did is in a log that verifies, and names the officer.
    assert.match(dancu('log', 'verify', '--data', data), /log ok/);
  }
  rmSync(dir, { recursive: true, force: true });
});

test('the login page is in Vietnamese and refuses a wrong password', async () => {
  await page.goto(url);
  await page.waitForSelector('#login-form');
  assert.equal(await page.locator('html').getAttribute('lang'), 'vi');
  assert.equal(await page.locator('#login-form h1').textContent(), 'Đăng nhập');
  await page.fill('#login-officer', OFFICER);
  await page.fill('#login-password', 'không đúng mật khẩu');
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('[data-testid=login-error]:not([hidden])');
  assert.equal(await page.textContent('[data-testid=login-error]'), 'Sai tài khoản hoặc mật khẩu.');
  await shot('01-login-refused');
});

test('an officer logs in and lands on the search', async () => {
  await page.fill('#login-password', PASSWORD);
  await page.click('#login-form button[type=submit]');
  await page.waitForSelector('#search-input');
  assert.match(await page.textContent('#who'), /officer\.an/);
  assert.match(await page.textContent('#who'), /Phường Phúc Xá/);
});

test('a resident is found as the officer types, without diacritics', async () => {
  await page.fill('#search-input', 'dang thi hong nhung');
  const row = page.locator('#search-results tbody tr');
  await page.locator('#search-results tbody tr a', { hasText: 'Đặng Thị Hồng Nhung' }).waitFor();
  assert.equal(await row.count(), 1);
  assert.equal(await row.locator('a').textContent(), 'Đặng Thị Hồng Nhung');
  await shot('02-search-without-diacritics');
  await row.locator('a').click();
  await page.waitForSelector('#resident-name');
  assert.equal(await page.textContent('#resident-name'), 'Đặng Thị Hồng Nhung');
  const history = page.locator('#history tbody tr');
  assert.equal(await history.count(), 1);
  assert.match(await history.first().textContent(), /Đăng ký/);
  assert.equal(await history.first().locator('.officer').textContent(), OFFICER);
  // The CCCD application lists what is missing: the photo and both index fingers.
  const missing = await page.locator('#application-missing li').allTextContents();
  assert.ok(missing.some((m) => m.startsWith('Ảnh chân dung')), missing.join(' | '));
  assert.ok(missing.some((m) => m.startsWith('Ngón trỏ phải')), missing.join(' | '));
  await shot('03-resident-page');
});

test('a form with a bad date shows the message next to the field and saves nothing', async () => {
  await page.click('#nav-new');
  await page.waitForSelector('#new-resident');
  await page.fill('#new-resident-full_name', 'Lò Thị Mai');
  await page.fill('#new-resident-birth_date', '2019-02-30');
  await page.selectOption('#new-resident-sex', 'female');
  await page.fill('#new-resident-household-id', 'HK9');
  await page.selectOption('#new-resident-household-relationship', 'head');
  await page.click('#new-resident button[type=submit]');
  const error = page.locator('[data-error-for="birth_date"]');
  await error.waitFor({ state: 'visible' });
  assert.match(await error.textContent(), /ngày không tồn tại/);
  assert.equal(await page.getAttribute('#new-resident-birth_date', 'aria-invalid'), 'true');
  // The other fields carry no error, and the page did not move on.
  assert.equal(await page.locator('.field-error:not([hidden])').count(), 1);
  assert.match(page.url(), /#\/new$/);
  await shot('04-bad-date-next-to-field');
});

test('a new resident is registered and shown, attributed to the officer', async () => {
  await page.fill('#new-resident-birth_date', '2019-02-28');
  await page.fill('#new-resident-hometown-unit', '00001');
  await page.click('#new-resident button[type=submit]');
  await page.waitForSelector('#resident-name');
  assert.equal(await page.textContent('#resident-name'), 'Lò Thị Mai');
  assert.match(await page.textContent('dl.details'), /Quê quánPhường Phúc Xá/);
  assert.equal(await page.textContent('#notice'), 'Đã đăng ký cư dân.');
  assert.equal(await page.locator('#history .officer').first().textContent(), OFFICER);
  await shot('05-registered');
  await page.click('#nav-search');
  await page.fill('#search-input', 'lo thi mai');
  await page.locator('#search-results tbody tr a', { hasText: 'Lò Thị Mai' }).waitFor();
  assert.equal(await page.locator('#search-results tbody tr').count(), 1);
});

test('a death is recorded from the resident page', async () => {
  await page.locator('#search-results tbody tr a').first().click();
  await page.waitForSelector('#open-death');
  await page.click('#open-death');
  await page.fill('#death-death_date', '2099-01-01');
  await page.click('#death button[type=submit]');
  const error = page.locator('[data-error-for="death_date"]');
  await error.waitFor({ state: 'visible' });
  assert.match(await error.textContent(), /sau ngày hôm nay/);
  await page.fill('#death-death_date', '2024-01-01');
  await page.click('#death button[type=submit]');
  await page.waitForSelector('#notice');
  assert.match(await page.textContent('dl.details'), /Đã mất \(2024-01-01\)/);
  const operations = await page.locator('#history tbody tr').allTextContents();
  assert.equal(operations.length, 2);
  assert.match(operations[1], /Khai tử/);
});

test('a correction sends only what changed, and a move to an unknown unit is refused beside it', async () => {
  await page.click('#nav-search');
  await page.fill('#search-input', 'nguyen van binh');
  const link = page.locator('#search-results tbody tr a', { hasText: 'Nguyễn Văn Bình' });
  await link.waitFor();
  await link.click();
  await page.waitForSelector('#open-correction');
  await page.click('#open-correction');
  assert.equal(await page.inputValue('#correction-full_name'), 'Nguyễn Văn Bình');
  await page.fill('#correction-full_name', 'Nguyễn Văn Bính');
  await page.click('#correction button[type=submit]');
  await page.locator('#notice', { hasText: 'Đã lưu thay đổi.' }).waitFor();
  assert.equal(await page.textContent('#resident-name'), 'Nguyễn Văn Bính');
  const rows = page.locator('#history tbody tr');
  assert.equal(await rows.count(), 2);
  assert.match(await rows.nth(1).textContent(), /Đính chính/);
  assert.equal(await rows.nth(1).locator('td.changed').textContent(), 'full_name: Nguyễn Văn Bính');

  await page.click('#open-move');
  await page.fill('#move-unit', '99999');
  await page.click('#move button[type=submit]');
  const error = page.locator('#move [data-error-for="unit"]');
  await error.waitFor({ state: 'visible' });
  assert.match(await error.textContent(), /99999/);
  assert.equal(await rows.count(), 2);
});

test('a CCCD application is prepared in the browser: photo, fingers with live progress, submit', async () => {
  await page.click('#nav-search');
  await page.fill('#search-input', 'nguyen van an');
  const link = page.locator('#search-results tbody tr a', { hasText: 'Nguyễn Văn An' });
  await link.waitFor();
  await link.click();
  await page.waitForSelector('#application-missing');
  assert.equal(await page.locator('#application-missing li').count(), 3);
  assert.equal(await page.locator('#apply-card').count(), 0);

  await page.setInputFiles('#photo-file', join(dir, 'photo.jpg'));
  await page.click('#photo-upload');
  await page.waitForSelector('#notice');
  assert.equal(await page.textContent('#notice'), 'Đã lưu ảnh.');
  assert.match(await page.textContent('#photo'), /Đã có ảnh \(jpeg, 480×640\)/);
  assert.equal(await page.locator('#application-missing li').count(), 2);

  await page.selectOption('#finger-select', 'left-index');
  await page.click('#finger-missing');
  await page.locator('#notice', { hasText: 'Đã lưu thay đổi.' }).waitFor();
  assert.equal(await page.textContent('tr[data-finger=left_index] td:last-child'), 'mất ngón');

  // The right index through the reader: the page shows each prompt as the reader asks, and the
  // virtual finger answers each prompt it sees there.
  const finger = spawn(VIRTUAL_FINGER, ['--socket', socket, join(PRINTS, 'whorl.png')],
                       { stdio: ['pipe', 'ignore', 'inherit'] });
  await page.selectOption('#finger-select', 'right-index');
  await page.click('#finger-capture');
  const prompts = [];
  const deadline = Date.now() + 120000;
  const done = page.locator('#notice', { hasText: 'Đã lấy vân tay.' });
  while (!(await done.count())) {
    assert.ok(Date.now() < deadline, `the capture did not finish: ${prompts.join(' | ')}`);
    const text = (await page.locator('#finger-progress').textContent({ timeout: 1000 }).catch(() => '')) || '';
    if (text.startsWith('Đặt ngón tay') && text !== prompts[prompts.length - 1]) {
      prompts.push(text);
      if (prompts.length === 2) await shot('08-finger-capture-in-progress');
      finger.stdin.write('place the finger\n');
    }
    assert.ok(!/Không lấy được/.test(text), text);
    await page.waitForTimeout(100);
  }
  finger.stdin.end();
  assert.equal(await page.textContent('#notice'), 'Đã lấy vân tay.');
  assert.match(prompts[0], /lần 1\/\d/);
  assert.match(prompts[1], /lần 2\/\d/);
  assert.equal(prompts[prompts.length - 1], 'Đặt ngón tay thêm một lần để kiểm tra');
  assert.equal(await page.textContent('tr[data-finger=right_index] td:last-child'), 'đã lấy');

  // Nothing is missing now: the application is submitted.
  assert.equal(await page.locator('#application-missing').count(), 0);
  await page.click('#apply-card');
  await page.locator('#notice', { hasText: 'Đã nộp hồ sơ CCCD.' }).waitFor();
  assert.equal(await page.textContent('#notice'), 'Đã nộp hồ sơ CCCD.');
  assert.match(await page.textContent('#application'), /Trạng thái: đã nộp/);
  const operations = await page.locator('#history tbody tr').allTextContents();
  assert.deepEqual(operations.map((row) => /Ảnh chân dung|Ngoại lệ vân tay|Lấy vân tay|CCCD/.exec(row)?.[0]).slice(1),
                   ['Ảnh chân dung', 'Ngoại lệ vân tay', 'Lấy vân tay', 'CCCD']);
  await shot('09-cccd-applied');
});

test('the progress page draws the chart, and sync is a placeholder', async () => {
  await page.click('#nav-report');
  await page.waitForSelector('#report-chart');
  assert.equal(await page.locator('#report-chart rect.bar-clean').count(), 2);  // one unit + legend
  assert.equal(await page.locator('#report-table tfoot td.num').first().textContent(), '4');
  assert.match(await page.textContent('#report-table tfoot'), /1 \(33,33%\)/);  // one application of 3 living
  await shot('06-report');
  await page.click('#nav-sync');
  await page.waitForSelector('#sync-status');
  assert.match(await page.textContent('#sync-status'), /Chưa có/);
});

test('the console switches to English', async () => {
  await page.click('#nav-search');
  await page.click('#lang-toggle');
  await page.waitForSelector('#nav-search');
  assert.equal(await page.textContent('#nav-search'), 'Search');
  assert.equal(await page.textContent('#lang-toggle'), 'Tiếng Việt');
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  assert.equal(await page.textContent('section h1'), 'Find a resident');
  await shot('07-english');
  await page.click('#lang-toggle');
  assert.equal(await page.textContent('#nav-search'), 'Tra cứu');
});

test('after logging out the API refuses the old session', async () => {
  await page.click('#logout');
  await page.waitForSelector('#login-form');
  const status = await page.evaluate(async () => (await fetch('/api/residents?q=an')).status);
  assert.equal(status, 401);
});
