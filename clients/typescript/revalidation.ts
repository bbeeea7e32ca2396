import type { FetchParams, Middleware, RequestContext, ResponseContext } from "../target/typescript-client/index.js";

/**
 * Conditional GETs for the generated client: the ETag of each answer is kept with its body, sent back as
 * If-None-Match, and a 304 is turned into the kept answer. The generated client treats every status outside
 * 2xx as an error, so without this a revalidated feed would surface as a thrown 304.
 *
 * Keyed by URL and token: a personal feed (Vary: Authorization) is never served to another session.
 */
export class Revalidation implements Middleware {
    private readonly kept = new Map<string, { etag: string; body: string; headers: Headers }>();
    /** How many answers the server did not have to send again. */
    notModified = 0;

    async pre(context: RequestContext): Promise<FetchParams | void> {
        if ((context.init.method ?? "GET") !== "GET") {
            return;
        }
        const kept = this.kept.get(this.key(context.url, context.init));
        if (kept) {
            const headers = new Headers(context.init.headers);
            headers.set("If-None-Match", kept.etag);
            return { url: context.url, init: { ...context.init, headers } };
        }
    }

    async post(context: ResponseContext): Promise<Response | void> {
        const key = this.key(context.url, context.init);
        if (context.response.status === 304) {
            const kept = this.kept.get(key);
            if (kept) {
                this.notModified++;
                const headers = new Headers(kept.headers);
                // The 304 carries the current request id (a feed's feedRequestId) and cache headers.
                context.response.headers.forEach((value, name) => headers.set(name, value));
                return new Response(kept.body, { status: 200, headers });
            }
            return;
        }
        const etag = context.response.headers.get("ETag");
        if (context.response.ok && etag && (context.init.method ?? "GET") === "GET") {
            const body = await context.response.clone().text();
            this.kept.set(key, { etag, body, headers: new Headers(context.response.headers) });
        }
    }

    private key(url: string, init: RequestInit): string {
        return url + " " + (new Headers(init.headers).get("Authorization") ?? "");
    }
}
