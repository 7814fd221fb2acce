package dev.qabridge.github;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongFunction;

/**
 * Installation access tokens, cached per installation until {@link #REFRESH_BEFORE} ahead of their
 * {@code expires_at}. Callers for one installation wait for a single fetch; different installations
 * do not wait for each other. Nothing is fetched until asked, so a SnapStart snapshot holds no token.
 */
final class InstallationTokens {
    /** Refresh this long before GitHub's {@code expires_at}, so a token never expires in the middle of a run's step. */
    static final Duration REFRESH_BEFORE = Duration.ofMinutes(5);

    /** A token and when GitHub says it expires. {@link #toString()} leaves the token out. */
    record Token(String value, Instant expiresAt) {
        @Override
        public String toString() {
            return "Token[expiresAt=" + expiresAt + "]";
        }
    }

    private final Clock clock;
    private final LongFunction<Token> fetch;
    private final Map<Long, Slot> slots = new ConcurrentHashMap<>();

    InstallationTokens(Clock clock, LongFunction<Token> fetch) {
        this.clock = clock;
        this.fetch = fetch;
    }

    String get(long installationId) {
        Slot slot = slots.computeIfAbsent(installationId, id -> new Slot());
        slot.lock.lock();
        try {
            if (slot.token == null || !clock.instant().isBefore(slot.token.expiresAt().minus(REFRESH_BEFORE))) {
                slot.token = fetch.apply(installationId);
            }
            return slot.token.value();
        } finally {
            slot.lock.unlock();
        }
    }

    /**
     * GitHub refused {@code value} (revoked, or the App was reinstalled): the next {@link #get} fetches a new
     * token, unless another caller has already replaced this one.
     */
    void forget(long installationId, String value) {
        Slot slot = slots.get(installationId);
        if (slot == null) {
            return;
        }
        slot.lock.lock();
        try {
            if (slot.token != null && slot.token.value().equals(value)) {
                slot.token = null;
            }
        } finally {
            slot.lock.unlock();
        }
    }

    // A lock rather than synchronized: a virtual thread waiting on it does not pin its carrier.
    private static final class Slot {
        final ReentrantLock lock = new ReentrantLock();
        Token token;
    }
}
