// Browser tests of the web console: a real `dancu serve` on a commune with residents, driven in
// Debian's headless Chromium through playwright-core. Screenshots go to $DANCU_WEB_ARTIFACTS.
//
// Run by CTest (tests/web/CMakeLists.txt) as: node --test console.test.mjs, with DANCU_BINARY,
// DANCU_WEB_ARTIFACTS and CHROMIUM set. `npm ci` in tests/web installs playwright-core first
// (tools/setup.sh does it).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const DANCU = process.env.DANCU_BINARY;
const ARTIFACTS = process.env.DANCU_WEB_ARTIFACTS || join(tmpdir(), 'dancu-web-artifacts');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SAMPLE_PHOTO = process.env.DANCU_SAMPLE_PHOTO;      // tools/fixtures' dancu-sample-photo
const SOFTCARD = process.env.DANCU_SOFTCARD;              // tools/fixtures' dancu-softcard
const VIRTUAL_FINGER = process.env.DANCU_VIRTUAL_FINGER;  // tools/fixtures' dancu-virtual-finger
const PRINTS = `${process.env.DANCU_SHARED_DATA}/prints`;
const PASSWORD = 'mật khẩu của An';
const OFFICER = 'officer.an';

assert.ok(DANCU, 'set DANCU_BINARY to the dancu binary');
assert.ok(SAMPLE_PHOTO && VIRTUAL_FINGER && SOFTCARD && process.env.DANCU_SHARED_DATA,
          'set DANCU_SAMPLE_PHOTO, DANCU_VIRTUAL_FINGER, DANCU_SOFTCARD and DANCU_SHARED_DATA');
mkdirSync(ARTIFACTS, { recursive: true });

const dir = mkdtempSync(join(tmpdir(), 'dancu-web-'));
const data = join(dir, 'node');
const central = join(dir, 'central');
const socket = join(dir, 'reader.socket');
// The server's only fingerprint reader is libfprint's virtual_image on `socket`.
const env = { ...process.env, DANCU_OFFICER: OFFICER, DANCU_PASSWORD: PASSWORD,
              FP_DRIVERS_WHITELIST: 'virtual_image', FP_VIRTUAL_IMAGE: socket };
const dancu = (...args) => execFileSync(DANCU, args, { env, encoding: 'utf8' });

let server;
let softcard;  // the chip card, in the vpcd reader of a pcscd of its own
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

// Starts `dancu serve --data DIR --http 127.0.0.1:0 EXTRA...`; resolves once it has announced its
// console (and, with --listen, its replication address): {child, url, listen}.
function startServer(dataDir = data, extra = []) {
  const wantListen = extra.includes('--listen');
  return new Promise((resolve, reject) => {
    const child = spawn(DANCU, ['serve', '--data', dataDir, '--http', '127.0.0.1:0', ...extra], { env });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`dancu serve did not start: ${out}`)), 30000);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const announced = /serving the web console on (http:\/\/\S+)/.exec(out);
      const listen = /replication listening on (tcp:\/\/\S+)/.exec(out);
      if (announced && (listen || !wantListen)) {
        clearTimeout(timer);
        resolve({ child, url: announced[1], listen: listen && listen[1] });
      }
    });
    child.stderr.on('data', (chunk) => { out += chunk; });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`dancu serve exited ${code}: ${out}`)); });
  });
}

// Stops a server with SIGTERM, as an operator would; it must exit 0.
async function stopServer(child) {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  assert.equal(await exited, 0, 'dancu serve exits 0 on SIGTERM');
}

const nodeId = (dataDir) => JSON.parse(readFileSync(join(dataDir, 'node.json'), 'utf8')).node_id;

// Certifies the node in `child` under `parent` (both node directories).
function certify(parent, child) {
  dancu('cert', 'request', '--data', child, '--out', `${child}.request`);
  dancu('cert', 'issue', '--data', parent, '--request', `${child}.request`, '--out', `${child}.chain`);
  dancu('cert', 'install', '--data', child, `${child}.chain`);
}

// Starts dancu-softcard with a private pcscd; resolves with the PCSCLITE_CSOCK_NAME its readers
// need once the card is in the reader.
function startSoftcard() {
  return new Promise((resolve, reject) => {
    softcard = spawn(SOFTCARD, ['--private-pcscd', '--csca-out', join(dir, 'csca.pem')]);
    let out = '';
    const timer = setTimeout(() => reject(new Error(`dancu-softcard did not start: ${out}`)), 30000);
    softcard.stdout.on('data', (chunk) => {
      out += chunk;
      const socketPath = /PCSCLITE_CSOCK_NAME=(\S+)/.exec(out);
      if (socketPath && /access key:/.test(out)) {
        clearTimeout(timer);
        resolve(socketPath[1]);
      }
    });
    softcard.stderr.on('data', (chunk) => { out += chunk; });
    softcard.on('exit', (code) => { clearTimeout(timer); reject(new Error(`dancu-softcard exited ${code}: ${out}`)); });
  });
}

async function shot(name) {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

before(async () => {
  dancu('init', '--data', data, '--role', 'commune', '--unit', '00001');
  dancu('officer', 'add', '--data', data, '--name', OFFICER);
  dancu('officer', 'add', '--data', data, '--name', 'chief.an', '--role', 'chief');
  // Certified by a central node, so that biometrics can be sealed to central's key.
  dancu('init', '--data', central, '--role', 'central', '--unit', 'VN');
  certify(central, data);
  // A block of citizen numbers for newborns, leased by central as a file (no link needed).
  dancu('lease', 'grant', '--data', central, '--node', nodeId(data), '--province', '001', '--count', '50',
        '--out', join(dir, 'lease'));
  dancu('lease', 'accept', '--data', data, join(dir, 'lease'));
  execFileSync(SAMPLE_PHOTO, [join(dir, 'photo.jpg')]);
  const lines = [
    resident(1, 'Đặng Thị Hồng Nhung', { sex: 'female', citizen_no: '001185000001' }),
    resident(2, 'Nguyễn Văn An'),
    resident(3, 'Nguyễn Văn Bình', { household: { id: 'HK2', relationship: 'child' }, birth_date: '2010-05-01',
                                    citizen_no: '001210000003' }),
  ];
  writeFileSync(join(dir, 'residents.jsonl'), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  dancu('import', '--data', data, join(dir, 'residents.jsonl'));
  // The server reads chip cards through the softcard's own pcscd; the node trusts its CSCA.
  env.PCSCLITE_CSOCK_NAME = await startSoftcard();
  dancu('card', 'trust', 'add', '--data', data, join(dir, 'csca.pem'));
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
  if (softcard && softcard.exitCode === null) {
    const exited = new Promise((resolve) => softcard.on('exit', resolve));
    softcard.kill('SIGTERM');
    await exited;
  }
  if (server && server.exitCode === null) {
    await stopServer(server);
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
  // The login page names the unit and the node's level before anyone logs in.
  await page.waitForSelector('#login-node:not(:empty)');
  assert.equal(await page.textContent('#login-node'), 'Phường Phúc Xá · nút cấp xã');
  assert.match(await page.title(), /^Phường Phúc Xá — /);
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

test('the progress page draws the chart', async () => {
  await page.click('#nav-report');
  await page.waitForSelector('#report-chart');
  assert.equal(await page.locator('#report-chart rect.bar-clean').count(), 2);  // one unit + legend
  assert.equal(await page.locator('#report-table tfoot td.num').first().textContent(), '4');
  assert.match(await page.textContent('#report-table tfoot'), /1 \(33,33%\)/);  // one application of 3 living
  // Down the tree: Hà Nội, Quận Ba Đình, Phường Phúc Xá, each against the targets.
  const tree = page.locator('#progress-tree tbody tr');
  assert.deepEqual(await tree.evaluateAll((rows) => rows.map((r) => r.dataset.unit)), ['01', '001', '00001']);
  assert.match(await tree.first().getAttribute('class'), /level-province/);
  assert.match(await tree.first().textContent(), /Thành phố Hà Nội/);
  assert.match(await tree.last().locator('.progress-cell.applications').textContent(), /^1 \/ 3 \(33,33%\)$/);
  assert.equal(await tree.last().locator('rect.bar-applications').getAttribute('data-share'), '33.33');
  await shot('06-report');
});

test('sync shows what waits for the parent, and a bundle for it downloads and imports there', async () => {
  await page.click('#nav-sync');
  await page.waitForSelector('#sync-status');
  // Certified by central, never synced: no link, and every change of the commune waits to go up.
  assert.match(await page.textContent('#sync-summary'), /Liên lạc gần nhất với cấp trên: chưa có kết nối\./);
  const waiting = await page.textContent('#waiting-up');
  const held = Number(/^(\d+) thay đổi đang chờ gửi lên cấp trên\.$/.exec(waiting)?.[1]);
  assert.ok(held >= 8, waiting);  // 3 imported, a registration, a death, a correction, a photo, fingers, the card
  const row = page.locator(`#peers tr[data-node="${nodeId(central)}"]`);
  assert.match(await row.textContent(), /Trung ương/);
  assert.match(await row.textContent(), /cấp trên/);
  await shot('10-sync-status');

  const [download] = await Promise.all([page.waitForEvent('download'), row.locator('button.bundle-export').click()]);
  assert.match(download.suggestedFilename(), new RegExp(`^dancu-${nodeId(data)}-for-${nodeId(central)}\\.bundle$`));
  const bundle = join(dir, 'for-central.bundle');
  await download.saveAs(bundle);
  await page.locator('.bundle-status', { hasText: 'Đã tạo gói' }).waitFor();
  // Carried to central, it imports there: central now finds the commune's residents.
  assert.match(dancu('bundle', 'import', '--data', central, bundle), /segments applied/);
  assert.match(dancu('resident', 'find', '--data', central, 'dang thi hong nhung'), /Đặng Thị Hồng Nhung/);
});

test('a birth is registered offline and shown with its citizen number from the leased block', async () => {
  await page.click('#nav-birth');
  await page.waitForSelector('#birth');
  assert.equal(await page.textContent('section h1'), 'Đăng ký khai sinh');
  await page.fill('#birth-full_name', 'Đặng Thị Hoa');
  await page.selectOption('#birth-sex', 'female');
  await page.fill('#birth-ethnicity', '1');
  await page.fill('#birth-hometown-unit', '00001');
  // The date proposed is today in Vietnam: at 06:30 there it is still yesterday in UTC.
  assert.equal(await page.evaluate(async () =>
    (await import('/static/dates.js')).todayInVietnam(new Date('2026-12-02T23:30:00Z'))), '2026-12-03');
  // No relationship is proposed before a household is named; a child once it is.
  assert.equal(await page.inputValue('#birth-household-relationship'), '');
  await page.fill('#birth-household-id', 'HK1');
  assert.equal(await page.inputValue('#birth-household-relationship'), 'child');
  await page.fill('#birth-mother-name', 'Đặng Thị Hồng Nhung');
  await page.fill('#birth-mother-citizen_no', '001185000001');
  await page.click('#birth button[type=submit]');
  await page.waitForSelector('#birth-citizen-no');
  const number = await page.textContent('#birth-citizen-no');
  // Province 001, a girl born in the 2000s (3), this year, a serial of central's offline pool.
  const yy = String(new Date().getFullYear() % 100).padStart(2, '0');
  assert.match(number, new RegExp(`^0013${yy}9\\d{5}$`));
  await shot('11-birth-citizen-number');
  await page.click('#birth-resident');
  await page.waitForSelector('#resident-name');
  assert.equal(await page.textContent('#resident-name'), 'Đặng Thị Hoa');
  assert.match(await page.textContent('dl.details'), new RegExp(number));
  assert.equal(await page.locator('#history .officer').first().textContent(), OFFICER);
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

// POSTs a decision on conflict `id` from the page, with its session's CSRF token: [status, code].
function decide(onPage, id, keep) {
  return onPage.evaluate(async ([conflict, choice]) => {
    const { csrf_token: token } = await (await fetch('/api/session')).json();
    const res = await fetch(`/api/conflicts/${conflict}/resolve`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': token },
      body: JSON.stringify({ keep: choice }) });
    return [res.status, (await res.json()).error?.code];
  }, [id, keep]);
}

test('a conflict is resolved on the district in the browser and the decision reaches the commune', async () => {
  // A district under central and a commune under the district, each with officer.an (the
  // district's an operator, who decides its review queue), and a clerk at the district.
  const district = join(dir, 'district');
  const commune = join(dir, 'lung-cu');
  dancu('init', '--data', district, '--role', 'district', '--unit', '026');
  certify(central, district);
  dancu('init', '--data', commune, '--role', 'commune', '--unit', '00715');
  certify(district, commune);
  dancu('officer', 'add', '--data', district, '--name', OFFICER, '--role', 'operator');
  dancu('officer', 'add', '--data', district, '--name', 'clerk.binh');
  dancu('officer', 'add', '--data', commune, '--name', OFFICER);
  // A second commune the district certified, which has never synced.
  const silent = join(dir, 'ma-le');
  dancu('init', '--data', silent, '--role', 'commune', '--unit', '00718');
  certify(district, silent);
  writeFileSync(join(dir, 'lung-cu.jsonl'), dancu('gen', 'residents', '--unit', '00715', '--count', '3', '--seed', '7'));
  dancu('import', '--data', commune, join(dir, 'lung-cu.jsonl'));
  const [record, claimed] = JSON.parse(dancu('resident', 'find', '--data', commune, '--unit', '00715', '--limit', '2',
                                             '--json'));
  const sync = (listen) => dancu('sync', '--data', commune, '--peer', listen, '--timeout', '60');
  const show = (node, id) => JSON.parse(dancu('resident', 'show', '--data', node, '--json', id)).record;
  const openConflicts = () => JSON.parse(dancu('conflicts', 'list', '--data', commune, '--json')).conflicts;

  // Before it has the commune's records, the district registers another person under the number of
  // one of them.
  const twin = { ...show(commune, claimed.id), full_name: 'Vàng Thị Trùng' };
  delete twin.id;
  delete twin.home_unit;
  const twinId = JSON.parse(dancu('resident', 'add', '--data', district, '--json', JSON.stringify(twin))).id;

  // The district receives the records (a duplicate case), then both correct one name without seeing
  // each other's change.
  let hub = await startServer(district, ['--listen', 'tcp://127.0.0.1:0']);
  sync(hub.listen);
  await stopServer(hub.child);
  dancu('resident', 'update', '--data', commune, record.id, JSON.stringify({ full_name: 'Vàng Seo Phủ' }));
  dancu('resident', 'update', '--data', district, record.id, JSON.stringify({ full_name: 'Vàng Xeo Páo' }));
  hub = await startServer(district, ['--listen', 'tcp://127.0.0.1:0']);
  const browserContext = await browser.newContext({ viewport: { width: 1200, height: 900 }, locale: 'vi-VN' });
  const hubPage = await browserContext.newPage();
  try {
    sync(hub.listen);
    assert.deepEqual(openConflicts().map((c) => c.kind).sort(), ['concurrent_edit', 'duplicate_citizen_no']);

    // The district's clerk sees the queue but may not decide: the refusal says so in Vietnamese,
    // and the conflict stays open.
    await hubPage.goto(`${hub.url}/#/conflicts`);
    await hubPage.fill('#login-officer', 'clerk.binh');
    await hubPage.fill('#login-password', PASSWORD);
    await hubPage.click('#login-form button[type=submit]');
    await hubPage.locator('article.conflict').first().waitFor();
    assert.match(await hubPage.textContent('#who'), /clerk\.binh \(cán bộ nghiệp vụ\)/);
    assert.equal(await hubPage.locator('#nav-officers').count(), 0);
    await hubPage.locator('article.conflict').first().locator('button').first().click();
    const denied = hubPage.locator('article.conflict .form-error:not([hidden])');
    await denied.waitFor();
    assert.match(await denied.textContent(), /^Vai trò của bạn không được quyết định xung đột: chỉ cán bộ vận hành/);
    assert.equal(openConflicts().length, 2);
    await hubPage.screenshot({ path: join(ARTIFACTS, '17-clerk-may-not-decide.png'), fullPage: true });
    await hubPage.click('#logout');
    await hubPage.waitForSelector('#login-form');

    await hubPage.goto(hub.url);
    await hubPage.fill('#login-officer', OFFICER);
    await hubPage.fill('#login-password', PASSWORD);
    await hubPage.click('#login-form button[type=submit]');
    await hubPage.waitForSelector('#search-input');
    // The district holds no block of citizen numbers yet: a birth says it must sync with its parent.
    await hubPage.click('#nav-birth');
    assert.equal(await hubPage.inputValue('#birth-permanent_residence-unit'), '');  // a hub names the commune
    await hubPage.fill('#birth-full_name', 'Vàng Thị Hoa');
    await hubPage.selectOption('#birth-sex', 'female');
    await hubPage.click('#birth button[type=submit]');
    const refused = hubPage.locator('#birth [data-testid=form-error]');
    await refused.waitFor({ state: 'visible' });
    assert.match(await refused.textContent(), /chưa có dải số định danh.*cần đồng bộ với cấp trên/);
    assert.equal(await hubPage.locator('#birth-result').isHidden(), true);
    await hubPage.screenshot({ path: join(ARTIFACTS, '16-birth-without-lease.png'), fullPage: true });
    // The resident's page names the conflict and leads to the queue.
    await hubPage.goto(`${hub.url}/#/resident/${encodeURIComponent(record.id)}`);
    await hubPage.waitForSelector('#resident-conflicts');
    assert.match(await hubPage.textContent('#resident-conflicts li'),
                 /^Họ và tên: (Vàng Xeo Páo ↔ Vàng Seo Phủ|Vàng Seo Phủ ↔ Vàng Xeo Páo)$/);
    await hubPage.click('#resident-conflicts a');
    await hubPage.locator('article.conflict').first().waitFor();
    assert.equal(await hubPage.locator('article.conflict').count(), 2);  // the duplicate once, not per record
    const card = hubPage.locator('article.conflict', { hasText: 'trường Họ và tên' });
    const duplicate = hubPage.locator('article.conflict', { hasText: 'hai hồ sơ cùng một số định danh' });
    // The competing values side by side, each with its officer.
    const values = await card.locator('.side-value').allTextContents();
    assert.deepEqual([...values].sort(), ['Vàng Seo Phủ', 'Vàng Xeo Páo']);
    assert.match(await card.locator('.side').first().textContent(), /cán bộ officer\.an/);
    await hubPage.screenshot({ path: join(ARTIFACTS, '12-conflict-side-by-side.png'), fullPage: true });

    // A decision naming neither side is refused and leaves the conflict open.
    const conflictId = await card.getAttribute('data-conflict');
    assert.deepEqual(await decide(hubPage, conflictId, 'neither'), [400, 'invalid_argument']);
    assert.equal(openConflicts().length, 2);

    // The operator keeps the commune's spelling, and the commune's holder of the citizen number (the
    // district's record is merged into it).
    await card.locator('.side', { hasText: 'Vàng Seo Phủ' }).locator('button').click();
    await hubPage.locator('#notice', { hasText: 'Đã ghi quyết định' }).waitFor();
    assert.match(await duplicate.textContent(), /Vàng Thị Trùng/);
    await duplicate.locator('.side', { hasText: claimed.full_name }).locator('button').click();
    await hubPage.waitForSelector('#conflicts-empty');
    // Decided once: a second decision is refused.
    assert.deepEqual(await decide(hubPage, conflictId, 'kept'), [409, 'failed_precondition']);
    await hubPage.screenshot({ path: join(ARTIFACTS, '13-conflict-resolved.png'), fullPage: true });

    // The commune's next sync brings the decision: no conflict left there, and the kept name.
    sync(hub.listen);
    assert.deepEqual(openConflicts(), []);
    assert.equal(show(commune, record.id).full_name, 'Vàng Seo Phủ');
    assert.equal(show(commune, twinId).merged_into, claimed.id);

    // The district's sync screen shows the commune's link: last contact, finished sessions, nothing refused.
    await hubPage.click('#nav-sync');
    const row = hubPage.locator(`#peers tr[data-node="${nodeId(commune)}"]`);
    await row.waitFor();
    assert.match(await row.textContent(), /Xã Lũng Cú/);
    assert.notEqual(await row.locator('.last-seen').textContent(), 'chưa có kết nối');
    assert.notEqual(await row.locator('.last-synced').textContent(), 'chưa bao giờ');
    assert.equal(await row.locator('.refused').textContent(), '0');
    // The commune that never synced is listed too, with no contact, lacking the changes of its scope.
    const silentRow = hubPage.locator(`#peers tr[data-node="${nodeId(silent)}"]`);
    assert.match(await silentRow.textContent(), /Xã Má Lé/);
    assert.equal(await silentRow.locator('.last-seen').textContent(), 'chưa có kết nối');
    assert.match(await silentRow.locator('.backlog').textContent(), /^[1-9]\d* thay đổi/);
    await hubPage.screenshot({ path: join(ARTIFACTS, '14-district-links.png'), fullPage: true });

    // The district's progress down its tree: Hà Giang, Đồng Văn, Lũng Cú.
    await hubPage.click('#nav-report');
    await hubPage.waitForSelector('#progress-tree');
    const units = await hubPage.locator('#progress-tree tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.unit));
    assert.deepEqual(units, ['02', '026', '00715']);
    await hubPage.screenshot({ path: join(ARTIFACTS, '15-district-progress.png'), fullPage: true });
  } finally {
    await browserContext.close();
    await stopServer(hub.child);
  }
  assert.match(dancu('log', 'verify', '--data', commune), /log ok/);
});

test("a commune's chief adds an officer from the console", async () => {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, locale: 'vi-VN' });
  const chiefPage = await context.newPage();
  try {
    await chiefPage.goto(url);
    await chiefPage.fill('#login-officer', 'chief.an');
    await chiefPage.fill('#login-password', PASSWORD);
    await chiefPage.click('#login-form button[type=submit]');
    await chiefPage.waitForSelector('#search-input');
    assert.match(await chiefPage.textContent('#who'), /chief\.an \(trưởng công an xã\)/);
    await chiefPage.click('#nav-officers');
    await chiefPage.waitForSelector('#officers-table');
    // A commune has clerks and chiefs, no operators.
    assert.deepEqual(await chiefPage.locator('#officer-new-role option').evaluateAll((os) => os.map((o) => o.value)),
                     ['', 'clerk', 'chief']);
    await chiefPage.fill('#officer-new-name', 'clerk.chi');
    await chiefPage.fill('#officer-new-password', 'mật khẩu của Chi');
    await chiefPage.selectOption('#officer-new-role', 'clerk');
    await chiefPage.click('#officer-new button[type=submit]');
    await chiefPage.locator('#notice', { hasText: 'Đã thêm cán bộ clerk.chi (cán bộ nghiệp vụ).' }).waitFor();
    assert.match(await chiefPage.textContent('#officers-table tr[data-officer="clerk.chi"]'), /cán bộ nghiệp vụ/);
    await chiefPage.screenshot({ path: join(ARTIFACTS, '18-chief-adds-officer.png'), fullPage: true });
    // The new officer logs in, as a clerk, on the same screen: refused in Vietnamese, and no
    // officers screen in the menu.
    await chiefPage.click('#logout');
    await chiefPage.fill('#login-officer', 'clerk.chi');
    await chiefPage.fill('#login-password', 'mật khẩu của Chi');
    await chiefPage.click('#login-form button[type=submit]');
    await chiefPage.waitForSelector('#officers-denied');
    assert.equal(await chiefPage.textContent('#officers-denied'),
                 'Chỉ trưởng công an xã hoặc cán bộ vận hành được quản lý tài khoản cán bộ.');
    assert.match(await chiefPage.textContent('#who'), /clerk\.chi \(cán bộ nghiệp vụ\)/);
    assert.equal(await chiefPage.locator('#nav-officers').count(), 0);
    // The chief makes the clerk a chief, then removes the account (after confirming); left the
    // node's only chief, they are refused demoting themself, and the picker shows the role kept.
    await chiefPage.click('#logout');
    await chiefPage.fill('#login-officer', 'chief.an');
    await chiefPage.fill('#login-password', PASSWORD);
    await chiefPage.click('#login-form button[type=submit]');
    await chiefPage.click('#nav-officers');  // the login returns to the officers screen it left
    await chiefPage.waitForSelector('#officers-table');
    await chiefPage.selectOption('#officers-table tr[data-officer="clerk.chi"] select', 'chief');
    await chiefPage.locator('#notice', { hasText: 'Cán bộ clerk.chi nay là trưởng công an xã.' }).waitFor();
    chiefPage.once('dialog', (dialog) => dialog.accept());
    await chiefPage.click('#officers-table tr[data-officer="clerk.chi"] .officer-remove');
    await chiefPage.locator('#notice', { hasText: 'Đã xoá tài khoản của cán bộ clerk.chi.' }).waitFor();
    assert.equal(await chiefPage.locator('#officers-table tr[data-officer="clerk.chi"]').count(), 0);
    await chiefPage.selectOption('#officers-table tr[data-officer="chief.an"] select', 'clerk');
    await chiefPage.locator('#officers-error', { hasText: 'Nút phải còn ít nhất một người quản lý' }).waitFor();
    assert.equal(await chiefPage.inputValue('#officers-table tr[data-officer="chief.an"] select'), 'chief');
  } finally {
    await context.close();
  }
});

test('Đọc thẻ fills a new resident from the chip card, then lists the differences and corrects the record', async () => {
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, locale: 'vi-VN' });
  const card = await context.newPage();
  try {
    await card.goto(url);
    await card.fill('#login-officer', OFFICER);
    await card.fill('#login-password', PASSWORD);
    await card.click('#login-form button[type=submit]');
    await card.waitForSelector('#search-input');
    await card.click('#nav-new');
    await card.waitForSelector('#new-resident');
    // The card (dancu-softcard's sample) fills the form; nothing is saved yet.
    await card.click('#open-card');
    await card.fill('#card-read-citizen_no', '001085012345');
    await card.fill('#card-read-birth', '1985-03-07');
    await card.fill('#card-read-expiry', '2030-03-07');
    await card.click('#card-read button[type=submit]');
    await card.locator('#card-verdict', { hasText: 'Thẻ thật' }).waitFor();
    assert.match(await card.getAttribute('#card-face', 'src'), /^data:image\/jpeg;base64,/);
    assert.equal(await card.inputValue('#new-resident-full_name'), 'Nguyễn Văn An');
    assert.equal(await card.inputValue('#new-resident-birth_date'), '1985-03-07');
    assert.equal(await card.inputValue('#new-resident-sex'), 'male');
    assert.equal(await card.inputValue('#new-resident-mother-name'), 'Trần Thị Cúc');
    // The card's places as units: the hometown in 2025 names, the residence in 2023 names.
    assert.equal(await card.inputValue('#new-resident-hometown-unit'), '00004');
    assert.equal(await card.inputValue('#new-resident-permanent_residence-unit'), '00001');
    assert.equal(await card.inputValue('#new-resident-permanent_residence-address'), 'Số 1 Phúc Xá');
    assert.equal(await card.locator('#card-place-notices').count(), 0);
    assert.doesNotMatch(await card.textContent('#card-result'), /undefined|null/);
    await card.screenshot({ path: join(ARTIFACTS, '19-card-new-resident.png'), fullPage: true });
    // The officer mistypes the birth date before saving: the record now differs from the card.
    await card.fill('#new-resident-birth_date', '1985-07-03');
    await card.fill('#new-resident-household-id', 'HK77');
    await card.selectOption('#new-resident-household-relationship', 'head');
    await card.click('#new-resident button[type=submit]');
    await card.locator('#resident-name', { hasText: 'Nguyễn Văn An' }).waitFor();

    // On the resident page the record's birth date is the card's access key, and the card refuses it.
    await card.click('#open-card');
    assert.equal(await card.inputValue('#card-read-birth'), '1985-07-03');
    await card.fill('#card-read-expiry', '2030-03-07');
    await card.click('#card-read button[type=submit]');
    const refused = card.locator('#card-read [data-testid=form-error]');
    await refused.waitFor({ state: 'visible' });
    assert.match(await refused.textContent(), /refused the access key/);
    // With the date printed on the card it reads, and the difference is listed.
    await card.fill('#card-read-birth', '1985-03-07');
    await card.click('#card-read button[type=submit]');
    await card.locator('#card-verdict', { hasText: 'Thẻ thật' }).waitFor();
    const birth = card.locator('#card-differences tr[data-field="birth_date"]');
    await birth.waitFor();
    assert.match(await birth.textContent(), /07\/03\/1985.*1985-07-03/);
    await card.screenshot({ path: join(ARTIFACTS, '20-card-differences.png'), fullPage: true });
    // Nothing from the card is kept before the officer acts: no photo yet.
    assert.match(await card.textContent('#photo'), /Chưa có ảnh/);
    // The card's face becomes the record's photo (sealed like any photo) by the officer's click.
    await card.click('#save-card-photo');
    await card.locator('#notice', { hasText: 'Đã lưu ảnh.' }).waitFor();
    assert.match(await card.textContent('#photo'), /Đã có ảnh \(jpeg, 240×320\)/);
    const readAgain = async () => {
      await card.click('#open-card');
      await card.fill('#card-read-birth', '1985-03-07');
      await card.fill('#card-read-expiry', '2030-03-07');
      await card.click('#card-read button[type=submit]');
      await card.locator('#card-differences tr[data-field="birth_date"]').waitFor();
    };
    // The difference opens a review case for the operators; the resident page lists it.
    await readAgain();
    await card.click('#open-card-case');
    await card.locator('#notice', { hasText: 'Đã mở hồ sơ xem xét' }).waitFor();
    assert.match(await card.textContent('#resident-conflicts'), /thẻ CCCD khác hồ sơ: .*Ngày sinh/);
    await card.screenshot({ path: join(ARTIFACTS, '21-card-case.png'), fullPage: true });
    // The officer corrects the record from the card and confirms.
    await readAgain();
    await card.click('#correct-from-card');
    assert.equal(await card.inputValue('#correction-birth_date'), '1985-03-07');
    await card.click('#correction button[type=submit]');
    await card.locator('#notice', { hasText: 'Đã lưu thay đổi.' }).waitFor();
    assert.match(await card.textContent('dl.details'), /1985-03-07/);
    // The move form: Đọc thẻ fills the unit and address moved to; nothing moves before saving.
    await card.click('#open-move');
    await card.click('#move-read-card');
    await card.fill('#card-read-expiry', '2030-03-07');
    await card.click('#card-read button[type=submit]');
    await card.locator('#card-verdict', { hasText: 'Thẻ thật' }).waitFor();
    assert.equal(await card.inputValue('#move-unit'), '00001');
    assert.equal(await card.inputValue('#move-address'), 'Số 1 Phúc Xá');
    await card.screenshot({ path: join(ARTIFACTS, '22-card-move.png'), fullPage: true });
    await card.click('#move button[type=button]');  // cancel: nothing saved
    assert.equal(await card.locator('#move').count(), 0);
  } finally {
    await context.close();
  }
});
