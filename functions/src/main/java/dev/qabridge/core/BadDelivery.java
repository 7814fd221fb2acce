package dev.qabridge.core;

/**
 * A webhook delivery that cannot be used as sent (not JSON, a field of the wrong type or out of
 * range): answered 400 with {@link #getMessage()}, before anything is written anywhere.
 */
public final class BadDelivery extends RuntimeException {
    public BadDelivery(String reason) {
        super(reason, null, false, false);
    }
}
