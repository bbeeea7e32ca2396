// The demo web client (clients/web-demo, served by the local stack at /demo/) in headless Chromium, driven by
// playwright-core: what a web team's users would do, checked in the page and in the browser's network events.
// PADDOCK_BASE_URL is the local stack (started by check.sh with the seed and 5-second rate-limit windows).
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { after, before, test } from "node:test";
import { chromium } from "playwright-core";

const api = process.env.PADDOCK_BASE_URL ?? "http://127.0.0.1:3000";
const port = new URL(api).port;
// localhost and 127.0.0.1 are different origins: the page calls the API cross-origin, as a web app on its own
// domain would, from an origin the local stack allows (any localhost port).
const allowedPage = `http://localhost:${port}/demo/?api=${api}`;
const password = "demo client password 2026";

let browser;
before(async () => {
    browser = await chromium.launch({
        executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
        // No sandbox (root here); no background traffic to Google, which this machine's network refuses.
        args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"],
    });
});
after(async () => browser?.close());

async function json(path, { method = "GET", token, body } = {}) {
    const headers = { "Content-Type": "application/json" };
    if (token) headers.Authorization = `Bearer ${token}`;
    const response = await fetch(api + path, { method, headers, body: body && JSON.stringify(body) });
    return { status: response.status, body: response.status === 204 ? null : await response.json() };
}

/** A new account with `posts` posts of its own (its home feed), made through the API as another client would. */
async function accountWithPosts(posts) {
    const handle = "web" + randomUUID().replaceAll("-", "").slice(0, 12);
    const email = `${handle}@example.com`;
    const registered = await json("/v1/auth/register", { method: "POST", body: { email, password, handle, displayName: "Dana Demo" } });
    assert.equal(registered.status, 201, JSON.stringify(registered.body));
    for (let i = 1; i <= posts; i++) {
        const created = await json("/v1/posts", { method: "POST", token: registered.body.accessToken, body: { body: `Post ${i} of ${posts}` } });
        assert.equal(created.status, 201, JSON.stringify(created.body));
        if (i % 5 === 0) await new Promise(resolve => setTimeout(resolve, 600)); // under the write burst (10/s)
    }
    return { email, userId: registered.body.user.id };
}

/** Every request and answer the page's network saw, with when. */
function networkLog(page) {
    const log = [];
    page.on("request", request => log.push({ at: Date.now(), kind: "request", method: request.method(), url: request.url(), headers: request.headers() }));
    page.on("response", response => log.push({
        at: Date.now(), kind: "response", method: response.request().method(), url: response.url(), status: response.status(),
        headers: response.headers(),
    }));
    page.on("requestfailed", request => log.push({ at: Date.now(), kind: "failed", method: request.method(), url: request.url(), error: request.failure()?.errorText }));
    return log;
}

async function logIn(page, email) {
    await page.goto(allowedPage);
    await page.fill("input[name=email]", email);
    await page.fill("input[name=password]", password);
    await page.click("#login button");
    await page.waitForSelector("#feed .post");
}

test("theDemoWorksEndToEndFromAnAllowedOrigin", async () => {
    const { email } = await accountWithPosts(12);
    const context = await browser.newContext({ viewport: { width: 820, height: 900 } });
    const page = await context.newPage();
    const log = networkLog(page);
    await logIn(page, email);

    // Pagination: a page of 10, then the rest.
    assert.equal(await page.locator("#feed .post").count(), 10);
    await page.click("#more");
    await page.waitForFunction(() => document.querySelectorAll("#feed .post").length === 12);
    assert.equal(await page.isHidden("#more"), true, "no further page");

    // Post: the new post heads the reloaded feed.
    await page.fill("#compose textarea", "Hello from Chromium");
    await page.click("#compose button");
    await page.waitForFunction(() => document.querySelector("#feed .post .body")?.textContent === "Hello from Chromium");

    // Like: answered 204 and shown.
    await page.click("#feed .post:first-child .like");
    await page.waitForSelector("#feed .post:first-child .like.liked");
    assert.equal(await page.textContent("#feed .post:first-child .likes"), "1");

    // Hide: the post leaves the page, and the next feed from the server leaves it out too.
    const hidden = await page.getAttribute("#feed .post:nth-child(2)", "data-post-id");
    await page.click("#feed .post:nth-child(2) .hide");
    await page.waitForFunction(id => !document.querySelector(`[data-post-id="${id}"]`), hidden);

    // Revalidation: reloaded twice, the second answer is a 304 to the ETag of the first.
    await page.click("#reload");
    await page.waitForResponse(r => r.url().includes("/v1/feed/home") && r.status() === 200);
    await page.click("#reload");
    await page.waitForFunction(() => document.querySelector("#revalidated").textContent === "unchanged (304)");
    const notModified = log.find(e => e.kind === "response" && e.url.includes("/v1/feed/home") && e.status === 304);
    assert.ok(notModified, "the browser saw a 304 for the home feed");
    const conditional = log.filter(e => e.kind === "request" && e.url.includes("/v1/feed/home")).at(-1);
    assert.ok(conditional.headers["if-none-match"], "sent with If-None-Match");
    assert.equal(await page.$(`[data-post-id="${hidden}"]`), null, "the hidden post stays hidden after reload");

    // Impressions and dwell, sent in a batch with the feedRequestId of the answer that showed the posts.
    const sent = await page.waitForResponse(r => r.url().endsWith("/v1/events") && r.request().method() === "POST", { timeout: 15_000 });
    assert.equal(sent.status(), 202);
    const receipt = await sent.json();
    assert.ok(receipt.accepted > 0, JSON.stringify(receipt));
    const { accessToken } = await page.evaluate(() => JSON.parse(localStorage.getItem("paddock.session")));
    const stored = await json("/v1/events?type=impression&limit=100", { token: accessToken });
    const feedRequestIds = new Set(log.filter(e => e.kind === "response" && e.url.includes("/v1/feed/home"))
        .map(e => e.headers["x-request-id"]));
    assert.ok(stored.body.items.length > 0, "impressions are stored");
    for (const event of stored.body.items) {
        assert.ok(feedRequestIds.has(event.feedRequestId), `impression ${event.eventId} names a feed answer the page got`);
    }
    const dwell = await json("/v1/events?type=dwell_start&limit=100", { token: accessToken });
    assert.ok(dwell.body.items.length > 0, "dwell is reported too");
    assert.ok(dwell.body.items.every(event => feedRequestIds.has(event.feedRequestId)), JSON.stringify(dwell.body.items[0]));

    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: process.env.PADDOCK_SCREENSHOT ?? "target/demo.png" });
    await context.close();
});

test("twoTabsWithARefusedTokenBothRefreshWithoutRevokingTheSession", async () => {
    const { email } = await accountWithPosts(1);
    const context = await browser.newContext();
    const first = await context.newPage();
    await logIn(first, email);
    const second = await context.newPage();
    await second.goto(allowedPage);
    await second.waitForSelector("#feed .post");

    // Both tabs share the session in localStorage; its access token is now refused (as an expired one is).
    await first.evaluate(() => {
        const session = JSON.parse(localStorage.getItem("paddock.session"));
        localStorage.setItem("paddock.session", JSON.stringify({ ...session, accessToken: "expired.access.token" }));
    });
    const logs = [networkLog(first), networkLog(second)];
    const reloaded = [first, second].map(page => page.waitForResponse(r => r.url().includes("/v1/feed/home") && [200, 304].includes(r.status())));
    await Promise.all([first.click("#reload"), second.click("#reload")]);
    await Promise.all(reloaded);

    // The Web Lock usually lets one tab refresh for both; when localStorage has not yet carried the new pair to
    // the other tab, that tab presents the same refresh token again and the API's grace gives it the same pair.
    // Either way no refresh is refused and the family is not revoked.
    const refreshes = logs.flat().filter(e => e.kind === "response" && e.url.endsWith("/v1/auth/refresh"));
    assert.ok(refreshes.length >= 1 && refreshes.length <= 2, JSON.stringify(refreshes.map(e => e.status)));
    assert.deepEqual(refreshes.map(e => e.status), refreshes.map(() => 200));
    for (const page of [first, second]) {
        assert.equal(await page.textContent("#status"), "", "no error shown");
    }
    const { refreshToken } = await first.evaluate(() => JSON.parse(localStorage.getItem("paddock.session")));
    const next = await json("/v1/auth/refresh", { method: "POST", body: { refreshToken } });
    assert.equal(next.status, 200, "the session lives on: " + JSON.stringify(next.body));
    await context.close();
});

test("a429MakesTheClientWaitRetryAfterBeforeAskingAgain", async () => {
    const { email, userId } = await accountWithPosts(1);
    // An admin lowers this user's read limit to 5 per 5-second window (100 × 0.05).
    const admin = await json("/v1/auth/login", { method: "POST", body: { email: "ada@example.com", password: "paddock-demo-2026" } });
    assert.equal(admin.status, 200);
    const override = await json(`/v1/admin/rate-limits/overrides/${userId}`, {
        method: "PUT", token: admin.body.accessToken, body: { multipliers: { read: 0.05 } },
    });
    assert.equal(override.status, 200, JSON.stringify(override.body));

    const context = await browser.newContext();
    const page = await context.newPage();
    const log = networkLog(page);
    await logIn(page, email);
    const limited = page.waitForResponse(r => r.url().includes("/v1/feed/home") && r.status() === 429, { timeout: 20_000 });
    for (let i = 0; i < 10 && !log.some(e => e.status === 429); i++) {
        await page.click("#reload");
        await page.waitForTimeout(50);
    }
    const refused = await limited;
    const retryAfter = Number(refused.headers()["retry-after"]);
    assert.ok(retryAfter >= 1, "Retry-After: " + refused.headers()["retry-after"]);
    await page.waitForFunction(() => document.querySelector("#status").textContent.startsWith("Rate limited"));

    // The next request for the feed leaves no earlier than Retry-After seconds after the 429 arrived.
    const refusedAt = log.find(e => e.kind === "response" && e.status === 429).at;
    await page.waitForFunction(() => document.querySelector("#status").textContent === "", null, { timeout: (retryAfter + 10) * 1000 });
    const retry = log.find(e => e.kind === "request" && e.url.includes("/v1/feed/home") && e.at > refusedAt);
    assert.ok(retry, "the client asked again");
    assert.ok(retry.at - refusedAt >= retryAfter * 1000 - 100, `asked again after ${retry.at - refusedAt} ms, Retry-After ${retryAfter} s`);
    await context.close();
});

test("theSameFetchFromAnUnlistedOriginIsBlockedByTheBrowser", async () => {
    // The demo's own files, served from an origin the API does not list: 127.0.0.2.
    const files = new URL("../web-demo/", import.meta.url);
    const server = createServer(async (request, response) => {
        const name = new URL(request.url, "http://x").pathname.replace(/^\/$/, "/index.html").slice(1);
        if (!["index.html", "demo.js", "demo.css"].includes(name)) {
            response.writeHead(404).end();
            return;
        }
        const type = { html: "text/html", js: "text/javascript", css: "text/css" }[name.split(".").pop()];
        response.writeHead(200, { "Content-Type": type }).end(await readFile(new URL(name, files)));
    });
    await new Promise(resolve => server.listen(0, "127.0.0.2", resolve));
    const origin = `http://127.0.0.2:${server.address().port}`;
    try {
        const context = await browser.newContext();
        const page = await context.newPage();
        const log = networkLog(page);
        await page.goto(`${origin}/?api=${api}`);
        await page.click("#login button");
        await page.waitForFunction(() => document.querySelector("#status.error")?.textContent.includes("not allowed by the API's CORS"));

        const login = log.find(e => e.url.endsWith("/v1/auth/login") && e.kind !== "request");
        assert.equal(login.kind, "failed", "the page never got the login answer: " + JSON.stringify(login));
        assert.equal(await page.evaluate(() => localStorage.getItem("paddock.session")), null);
        await context.close();

        // What the browser asked first, answered by the API: the origin is refused and named.
        const preflight = await fetch(api + "/v1/auth/login", {
            method: "OPTIONS",
            headers: { Origin: origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type" },
        });
        assert.equal(preflight.status, 403);
        assert.equal(preflight.headers.get("Access-Control-Allow-Origin"), null);
    } finally {
        server.close();
    }
});
