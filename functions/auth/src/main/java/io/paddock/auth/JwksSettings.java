package io.paddock.auth;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Caching of GET /v1/auth/jwks.json (env PADDOCK_AUTH_JWKS_CACHE_CONTROL). */
@ConfigMapping(prefix = "paddock.auth.jwks")
public interface JwksSettings {

    /** The contract's public caching; CDNs keep the key set for s-maxage and serve it stale on errors. */
    @WithDefault("public, max-age=0, s-maxage=30, stale-while-revalidate=60, stale-if-error=300")
    String cacheControl();
}
