// The TypeScript client generated from infra/openapi.yaml, used as an app team would against the local stack
// (PADDOCK_BASE_URL, started by check.sh): every call goes through the generated methods and models.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import {
    ActionTypeEnum,
    AuthApi,
    Configuration,
    FeedApi,
    type Problem,
    ResponseError,
    type Session,
    UsageEventTypeEnum,
    UsageTelemetryApi,
} from "../target/typescript-client/index.js";
import { Revalidation } from "./revalidation.js";

const basePath = process.env.PADDOCK_BASE_URL ?? "http://127.0.0.1:3000";
const password = "correct horse battery staple 2026";

/** A new account per test, so tests do not depend on each other or on seed data. */
async function signUp(): Promise<{ session: Session; email: string }> {
    const handle = "ts" + randomUUID().replaceAll("-", "").slice(0, 12);
    const email = `${handle}@example.com`;
    const session = await new AuthApi(new Configuration({ basePath })).register({
        registerRequest: { email, password, handle, displayName: "TypeScript client" },
    });
    return { session, email };
}

function signedIn(token: () => string, middleware = [] as Revalidation[]): Configuration {
    return new Configuration({ basePath, accessToken: async () => token(), middleware });
}

async function problemOf(call: Promise<unknown>): Promise<{ status: number; problem: Problem }> {
    try {
        await call;
    } catch (error) {
        if (error instanceof ResponseError) {
            assert.equal(error.response.headers.get("Content-Type"), "application/problem+json");
            return { status: error.response.status, problem: (await error.response.json()) as Problem };
        }
        throw error;
    }
    assert.fail("expected an error answer");
}

test("registerLoginAndRefreshRotateTheTokenPair", async () => {
    const { session: registered, email } = await signUp();
    assert.ok(registered.accessToken && registered.refreshToken, "register answers a token pair");

    const auth = new AuthApi(new Configuration({ basePath }));
    const loggedIn = await auth.login({ loginRequest: { email, password } });
    assert.equal(loggedIn.user.id, registered.user.id);

    const refreshed = await auth.refreshSession({ refreshRequest: { refreshToken: loggedIn.refreshToken } });
    assert.ok(refreshed.accessToken);
    assert.notEqual(refreshed.refreshToken, loggedIn.refreshToken, "refresh rotates the refresh token");

    const me = await new AuthApi(signedIn(() => refreshed.accessToken)).getMe();
    assert.equal(me.user.email, email);

    // Another tab refreshing with the same token moments later gets the same pair, not a reuse alarm.
    const otherTab = await auth.refreshSession({ refreshRequest: { refreshToken: loggedIn.refreshToken } });
    assert.equal(otherTab.refreshToken, refreshed.refreshToken);

    // A token two rotations old is reuse: refused, and the whole family with it.
    const latest = await auth.refreshSession({ refreshRequest: { refreshToken: refreshed.refreshToken } });
    const reuse = await problemOf(auth.refreshSession({ refreshRequest: { refreshToken: loggedIn.refreshToken } }));
    assert.equal(reuse.status, 401);
    const after = await problemOf(auth.refreshSession({ refreshRequest: { refreshToken: latest.refreshToken } }));
    assert.equal(after.status, 401, "the family is revoked");
});

test("aWrongPasswordIsAProblemTheClientCanRead", async () => {
    const { email } = await signUp();
    const { status, problem } = await problemOf(
        new AuthApi(new Configuration({ basePath })).login({ loginRequest: { email, password: "not the password" } }));
    assert.equal(status, 401);
    assert.equal(problem.status, 401);
    assert.ok(problem.type.startsWith("https://"), problem.type);
});

test("postLikeAndReadTheHomeFeedWithRevalidation", async () => {
    const { session } = await signUp();
    const revalidation = new Revalidation();
    const feed = new FeedApi(signedIn(() => session.accessToken, [revalidation]));

    const created = await feed.createPost({ newPost: { body: "Hello from the generated client" }, idempotencyKey: randomUUID() });
    const postId = created.post.id;

    const first = await feed.getHomeFeedRaw({ limit: 10 });
    assert.equal(first.raw.status, 200);
    assert.ok(first.raw.headers.get("ETag"), "the home feed has an ETag");
    const page = await first.value();
    assert.deepEqual(page.items.map(post => post.id), [postId], "a new user's home feed holds their own post");

    // Asked again unchanged: the server answers 304 and the client shows what it kept.
    const again = await feed.getHomeFeed({ limit: 10 });
    assert.equal(revalidation.notModified, 1, "the second read was revalidated (304)");
    assert.deepEqual(again.items.map(post => post.id), [postId]);

    await feed.actOnPost({ postId, action: { type: ActionTypeEnum.Like } });
    const liked = await feed.getHomeFeed({ limit: 10 });
    assert.equal(liked.items[0]?.likeCount, 1, "the like is counted on the post in the feed");
});

test("aTelemetryBatchSentWithTheFeedRequestIdIsStored", async () => {
    const { session } = await signUp();
    const config = signedIn(() => session.accessToken);
    const feed = new FeedApi(config);
    const post = (await feed.createPost({ newPost: { body: "Seen once" } })).post;
    const shown = await feed.getHomeFeedRaw({});
    const feedRequestId = shown.raw.headers.get("X-Request-Id")!;
    assert.ok(feedRequestId, "a feed answer names itself with X-Request-Id");

    const telemetry = new UsageTelemetryApi(config);
    const eventId = randomUUID();
    const receipt = await telemetry.sendEvents({
        eventBatch: {
            events: [{
                eventId, type: UsageEventTypeEnum.Impression, itemId: post.id, surface: "home", lane: "following",
                feedRequestId, occurredAt: new Date(),
            }],
        },
        idempotencyKey: randomUUID(),
    });
    assert.equal(receipt.accepted, 1, JSON.stringify(receipt));

    const stored = await telemetry.listMyEvents({ limit: 10 });
    const event = stored.items.find(item => item.eventId === eventId);
    assert.ok(event, "the event is readable back: " + JSON.stringify(stored));
    assert.equal(event.feedRequestId, feedRequestId);
    assert.equal(event.itemId, post.id);
});
