package dev.qabridge.github;

import dev.qabridge.core.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class InstallationTokensTest {
    private static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");
    private static final Duration HOUR = Duration.ofHours(1);

    private final MutableClock clock = new MutableClock(T0);
    private final List<String> fetched = new ArrayList<>();

    /** Each fetch issues "<installation>-<n>", valid for an hour from the clock's now, as GitHub does. */
    private InstallationTokens.Token issue(long installation) {
        String value = installation + "-" + (fetched.size() + 1);
        fetched.add(value);
        return new InstallationTokens.Token(value, clock.instant().plus(HOUR));
    }

    @Test
    void reusesATokenUntilFiveMinutesBeforeItExpires() {
        InstallationTokens tokens = new InstallationTokens(clock, this::issue);

        assertThat(tokens.get(42)).isEqualTo("42-1");
        clock.advance(Duration.ofMinutes(54).plusSeconds(59));
        assertThat(tokens.get(42)).isEqualTo("42-1");
        assertThat(fetched).containsExactly("42-1");
    }

    @Test
    void fetchesANewTokenFiveMinutesBeforeExpiry() {
        InstallationTokens tokens = new InstallationTokens(clock, this::issue);
        tokens.get(42);

        clock.advance(Duration.ofMinutes(55));
        assertThat(tokens.get(42)).isEqualTo("42-2");
        clock.advance(Duration.ofMinutes(54));
        assertThat(tokens.get(42)).isEqualTo("42-2");
        assertThat(fetched).containsExactly("42-1", "42-2");
    }

    @Test
    void fetchesAgainWhenTheCachedTokenHasAlreadyExpired() {
        InstallationTokens tokens = new InstallationTokens(clock, this::issue);
        tokens.get(42);

        clock.advance(Duration.ofHours(3));
        assertThat(tokens.get(42)).isEqualTo("42-2");
    }

    @Test
    void aTokenThatExpiresWithinFiveMinutesIsNotReused() {
        InstallationTokens tokens = new InstallationTokens(clock, id -> {
            fetched.add("short");
            return new InstallationTokens.Token("short-" + fetched.size(), clock.instant().plus(Duration.ofMinutes(4)));
        });

        assertThat(tokens.get(42)).isEqualTo("short-1");
        assertThat(tokens.get(42)).isEqualTo("short-2");
    }

    @Test
    void keepsOneTokenPerInstallation() {
        InstallationTokens tokens = new InstallationTokens(clock, this::issue);

        assertThat(tokens.get(42)).isEqualTo("42-1");
        assertThat(tokens.get(7)).isEqualTo("7-2");
        assertThat(tokens.get(42)).isEqualTo("42-1");
        assertThat(tokens.get(7)).isEqualTo("7-2");
    }

    @Test
    void concurrentCallersForOneInstallationShareOneFetch() throws Exception {
        CountDownLatch fetching = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger fetches = new AtomicInteger();
        InstallationTokens tokens = new InstallationTokens(clock, id -> {
            fetches.incrementAndGet();
            fetching.countDown();
            await(release);
            return new InstallationTokens.Token("shared", clock.instant().plus(HOUR));
        });
        ConcurrentHashMap<Thread, String> results = new ConcurrentHashMap<>();
        List<Thread> callers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            callers.add(Thread.ofPlatform().start(() -> results.put(Thread.currentThread(), tokens.get(42))));
        }

        assertThat(fetching.await(5, TimeUnit.SECONDS)).isTrue();
        awaitAllButOneParked(callers);
        release.countDown();
        for (Thread t : callers) {
            t.join(5_000);
        }

        assertThat(fetches).hasValue(1);
        assertThat(results).hasSize(6).allSatisfy((thread, token) -> assertThat(token).isEqualTo("shared"));
    }

    @Test
    void aSlowFetchForOneInstallationDoesNotHoldUpAnother() throws Exception {
        CountDownLatch fetching = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        InstallationTokens tokens = new InstallationTokens(clock, id -> {
            if (id == 42) {
                fetching.countDown();
                await(release);
            }
            return new InstallationTokens.Token("t" + id, clock.instant().plus(HOUR));
        });
        Thread slow = Thread.ofPlatform().start(() -> tokens.get(42));
        try {
            assertThat(fetching.await(5, TimeUnit.SECONDS)).isTrue();
            assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThat(tokens.get(7)).isEqualTo("t7"));
        } finally {
            release.countDown();
            slow.join(5_000);
        }
    }

    /** Polls (no sleep) until every caller but the fetching one waits on the installation's lock. */
    private static void awaitAllButOneParked(List<Thread> callers) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (callers.stream().filter(t -> t.getState() == Thread.State.WAITING).count() < callers.size() - 1) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("callers did not queue behind the first fetch");
            }
            Thread.onSpinWait();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aRefusedTokenIsFetchedAgainButAReplacementIsNotForgotten() {
        InstallationTokens tokens = new InstallationTokens(clock, this::issue);
        tokens.get(42);

        tokens.forget(42, "42-1");
        assertThat(tokens.get(42)).isEqualTo("42-2");
        tokens.forget(42, "42-1");   // a second caller that met the old token: the new one stays
        assertThat(tokens.get(42)).isEqualTo("42-2");
        tokens.forget(7, "7-1");     // an installation never asked for
        assertThat(fetched).containsExactly("42-1", "42-2");
    }
}
