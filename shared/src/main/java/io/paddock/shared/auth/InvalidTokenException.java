package io.paddock.shared.auth;

/** The bearer token cannot be trusted; the message is for logs, clients only ever see "invalid_token". */
public class InvalidTokenException extends RuntimeException {

    public InvalidTokenException(String reason) {
        super(reason, null, false, false);
    }
}
