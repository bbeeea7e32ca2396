// Paddock's demo web client: a reference for web teams, in plain JavaScript. What it shows, in order below:
// one request function that attaches the token, refreshes it once on 401 (one refresh for all tabs), waits
// Retry-After on 429 and revalidates GETs with their ETag; the home feed with pagination; posting and
// actions with an Idempotency-Key; impressions and dwell reported in batches with the feedRequestId of the
// feed answer that showed the post.
//
// The API is this page's own origin, or ?api=<origin> (a browser then needs that API to allow this origin: CORS).

const API = new URL(new URLSearchParams(location.search).get("api") ?? location.origin).origin;
const PAGE_SIZE = 10;
const MAX_WAITS = 3; // 429s waited out per request before giving up

// ---- Session: kept in localStorage so every tab of this origin shares one token pair. A refresh token in
// localStorage is readable by any script on the page; a production web app may prefer an HttpOnly cookie set by
// a backend-for-frontend. The demo keeps to the API as the contract defines it.
const SESSION = "paddock.session";
const session = () => JSON.parse(localStorage.getItem(SESSION) ?? "null");
const saveSession = value => value ? localStorage.setItem(SESSION, JSON.stringify(value)) : localStorage.removeItem(SESSION);

class ApiProblem extends Error {
    constructor(status, problem) {
        super(problem?.detail ?? problem?.title ?? `HTTP ${status}`);
        this.status = status;
        this.problem = problem;
    }
}

const newId = () => crypto.randomUUID();
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

/** Answers kept for revalidation, by user and path: a personal feed is never shown to another account. */
const kept = new Map();

/**
 * One API call. Resolves to {status, data, requestId, revalidated}; rejects with ApiProblem for an error answer,
 * or a TypeError when the browser could not (or would not: CORS) reach the API.
 */
async function call(path, { method = "GET", body, idempotencyKey, keepalive = false } = {}) {
    for (let waits = 0, refreshed = false; ;) {
        const current = session();
        const headers = {};
        if (current) headers.Authorization = `Bearer ${current.accessToken}`;
        if (body !== undefined) headers["Content-Type"] = "application/json";
        if (idempotencyKey) headers["Idempotency-Key"] = idempotencyKey; // the same key on every retry below
        const keptKey = `${current?.user.id ?? "anonymous"} ${path}`;
        const known = method === "GET" ? kept.get(keptKey) : undefined;
        if (known) headers["If-None-Match"] = known.etag;

        // no-store: the page revalidates itself, so the browser cache neither answers for it nor hides a 304.
        const response = await fetch(API + path, {
            method, headers, keepalive, cache: "no-store",
            body: body === undefined ? undefined : JSON.stringify(body),
        });
        const requestId = response.headers.get("X-Request-Id");

        if (response.status === 304 && known) {
            return { status: 304, data: known.data, requestId, revalidated: true };
        }
        if (response.status === 401 && current && !refreshed && !path.startsWith("/v1/auth/")) {
            refreshed = true;
            await refreshSession(current);
            continue;
        }
        if (response.status === 429 && waits < MAX_WAITS) {
            waits++;
            const seconds = retryAfterSeconds(response);
            showStatus(`Rate limited: trying again in ${seconds} s`);
            await sleep(seconds * 1000);
            showStatus("");
            continue;
        }
        if (!response.ok) {
            const problem = response.headers.get("Content-Type")?.includes("json") ? await response.json() : null;
            throw new ApiProblem(response.status, problem);
        }
        const data = response.status === 204 ? null : await response.json();
        const etag = response.headers.get("ETag");
        if (method === "GET" && etag) kept.set(keptKey, { etag, data });
        return { status: response.status, data, requestId, revalidated: false };
    }
}

/** Retry-After in seconds (the API sends seconds; an HTTP date is read too), at least 1. */
function retryAfterSeconds(response) {
    const value = response.headers.get("Retry-After") ?? "1";
    const seconds = /^\d+$/.test(value) ? Number(value) : Math.ceil((Date.parse(value) - Date.now()) / 1000);
    return Math.max(1, Number.isFinite(seconds) ? seconds : 1);
}

/**
 * Swaps the refresh token for a new pair, as one tab at a time: the Web Lock lets one tab refresh while the others
 * wait, and a tab that then finds the pair replaced uses the new one. localStorage reaches other tabs a moment
 * later, so a tab may still present the same token; the API's grace (10 s) answers it with the same new pair. A
 * spent token presented after the grace is taken as theft, and the whole family is revoked.
 */
async function refreshSession(stale) {
    await navigator.locks.request("paddock-refresh", async () => {
        const current = session();
        if (!current || current.accessToken !== stale.accessToken) {
            return; // another tab refreshed (or logged out) meanwhile
        }
        const response = await fetch(API + "/v1/auth/refresh", {
            method: "POST", cache: "no-store", headers: { "Content-Type": "application/json" },
            body: JSON.stringify({ refreshToken: current.refreshToken }),
        });
        if (!response.ok) {
            saveSession(null);
            throw new ApiProblem(response.status, await response.json().catch(() => null));
        }
        const pair = await response.json();
        saveSession({ ...current, accessToken: pair.accessToken, refreshToken: pair.refreshToken });
    });
}

// ---- Usage events: queued, sent in batches of up to 100 every few seconds and when the page is hidden.
const queue = [];

function track(type, post) {
    queue.push({
        eventId: newId(), type, itemId: post.id, surface: "home", feedRequestId: post.feedRequestId,
        occurredAt: new Date().toISOString(),
    });
}

async function flushEvents(leaving = false) {
    if (queue.length === 0 || !session()) return;
    const events = queue.splice(0, 100);
    try {
        await call("/v1/events", { method: "POST", body: { events }, idempotencyKey: newId(), keepalive: leaving });
    } catch (error) {
        if (!(error instanceof ApiProblem) || error.status >= 500) {
            queue.unshift(...events); // not refused, only not delivered: the eventIds make a resend safe
        }
    }
}

setInterval(flushEvents, 5000);
document.addEventListener("visibilitychange", () => document.visibilityState === "hidden" && flushEvents(true));

/** An impression once a post is half visible, dwell_start/dwell_end while it stays so. */
const seen = new IntersectionObserver(entries => {
    for (const entry of entries) {
        const post = entry.target.post;
        if (entry.isIntersecting) {
            if (!post.impressed) track("impression", post);
            post.impressed = true;
            post.visible = true;
            track("dwell_start", post);
        } else if (post.visible) {
            post.visible = false;
            track("dwell_end", post);
        }
    }
}, { threshold: 0.5 });

/** A post leaves the page (hidden, or the feed reloaded): its dwell ends, and it is no longer watched. */
function forget(item) {
    seen.unobserve(item);
    if (item.post.visible) {
        item.post.visible = false;
        track("dwell_end", item.post);
    }
}

// ---- The page.
const $ = selector => document.querySelector(selector);
let nextCursor = null;

function showStatus(text, isError = false) {
    $("#status").textContent = text;
    $("#status").className = isError ? "error" : "";
}

function explain(error) {
    if (error instanceof ApiProblem) {
        return `${error.message} (${error.status}${error.problem?.requestId ? `, request ${error.problem.requestId}` : ""})`;
    }
    return `Could not reach the API at ${API}: the browser refused the answer (this origin, ${location.origin}, `
        + "is not allowed by the API's CORS settings) or the API is down.";
}

function render(post) {
    const item = $("#item").content.firstElementChild.cloneNode(true);
    item.post = post;
    item.dataset.postId = post.id;
    item.querySelector(".name").textContent = post.author?.displayName ?? post.author?.handle ?? "";
    item.querySelector(".handle").textContent = "@" + (post.author?.handle ?? "");
    item.querySelector("time").textContent = new Date(post.createdAt).toLocaleString();
    item.querySelector("time").dateTime = post.createdAt;
    item.querySelector(".body").textContent = post.body;
    item.querySelector(".likes").textContent = post.likeCount ?? 0;
    item.querySelector(".like").addEventListener("click", () => act(item, "like"));
    item.querySelector(".hide").addEventListener("click", () => act(item, "hide"));
    seen.observe(item);
    return item;
}

async function loadFeed({ more = false } = {}) {
    const cursor = more ? `&cursor=${encodeURIComponent(nextCursor)}` : "";
    const answer = await call(`/v1/feed/home?limit=${PAGE_SIZE}${cursor}`);
    // Posts carry the request id of the answer that showed them: impressions name it as feedRequestId.
    const posts = answer.data.items.map(post => ({ ...post, feedRequestId: answer.requestId }));
    if (!more) {
        [...$("#feed").children].forEach(forget);
        $("#feed").replaceChildren();
        $("#revalidated").textContent = answer.revalidated ? "unchanged (304)" : "";
    }
    $("#feed").append(...posts.map(render));
    nextCursor = answer.data.nextCursor;
    $("#more").hidden = !nextCursor;
}

async function act(item, type) {
    try {
        await call(`/v1/posts/${item.post.id}/actions`, { method: "POST", body: { type }, idempotencyKey: newId() });
        track(type, item.post);
        if (type === "hide") {
            forget(item);
            item.remove();
        } else {
            item.querySelector(".like").classList.add("liked");
            item.querySelector(".likes").textContent = (item.post.likeCount ?? 0) + 1;
        }
    } catch (error) {
        showStatus(explain(error), true);
    }
}

function show() {
    const current = session();
    $("#login").hidden = !!current;
    $("#app").hidden = !current;
    $("#logout").hidden = !current;
    $("#who").textContent = current ? `@${current.user.handle}` : "";
}

async function guarded(work) {
    try {
        await work();
    } catch (error) {
        showStatus(explain(error), true);
        show();
    }
}

$("#login").addEventListener("submit", event => guarded(async () => {
    event.preventDefault();
    const form = new FormData(event.target);
    showStatus("Logging in…");
    const answer = await call("/v1/auth/login", {
        method: "POST", body: { email: form.get("email"), password: form.get("password") },
    });
    saveSession(answer.data);
    showStatus("");
    show();
    await loadFeed();
}));

$("#logout").addEventListener("click", () => guarded(async () => {
    await flushEvents();
    const { refreshToken } = session();
    // Revokes the token family on the server even if this tab is closed right after; signed out here regardless.
    await call("/v1/auth/logout", { method: "POST", body: { refreshToken } }).catch(() => {});
    saveSession(null);
    kept.clear();
    show();
}));

$("#compose").addEventListener("submit", event => guarded(async () => {
    event.preventDefault();
    const body = new FormData(event.target).get("body");
    await call("/v1/posts", { method: "POST", body: { body }, idempotencyKey: newId() });
    event.target.reset();
    await loadFeed();
}));

$("#reload").addEventListener("click", () => guarded(() => loadFeed()));
$("#more").addEventListener("click", () => guarded(() => loadFeed({ more: true })));

// Another tab logged in, out, or refreshed: follow it.
window.addEventListener("storage", event => event.key === SESSION && show());

show();
if (session()) guarded(() => loadFeed());
