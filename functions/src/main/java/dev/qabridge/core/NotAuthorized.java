package dev.qabridge.core;

/**
 * A webhook delivery that did not prove it comes from the configured hook (no or a wrong signature or
 * token): answered 401 with {@link #getMessage()}, advice a person can act on.
 */
public final class NotAuthorized extends RuntimeException {
    public NotAuthorized(String hint) {
        super(hint, null, false, false);
    }
}
