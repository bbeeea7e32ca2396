package io.paddock.auth;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** What register (201) and login (200) answer: {user, accessToken, refreshToken, expiresIn}. */
@Schema(name = "Session")
public record SessionDocument(UserDocument user,
        @Schema(description = "RS256 JWT for Authorization: Bearer; its fid claim names the refresh-token "
                + "family it was issued from, and revoking the family refuses it") String accessToken,
        @Schema(description = "Opaque; exchange it at POST /v1/auth/refresh") String refreshToken,
        @Schema(description = "Seconds until the access token expires") long expiresIn) {

    static SessionDocument of(Accounts.Account account, TokenPair tokens) {
        return new SessionDocument(UserDocument.of(account), tokens.accessToken(), tokens.refreshToken(),
                tokens.expiresIn());
    }

    @Override
    public String toString() {
        return "SessionDocument[" + user.id() + "]";
    }
}
