package io.paddock.auth;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** GET /v1/auth/me: {user}. */
@Schema(name = "Me")
public record MeDocument(UserDocument user) {
}
