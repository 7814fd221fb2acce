package dev.qabridge.flow;

import dev.qabridge.core.ApiException;
import dev.qabridge.core.Env;
import dev.qabridge.core.ReviewThread;
import dev.qabridge.core.RunRecord;
import dev.qabridge.core.RunStore;
import dev.qabridge.core.Settings;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class RepoConfigTest {
    private final Settings base = Settings.from(new Env(Map.of("QATECH_APPLICATION_ID", "app_bridge")));
    private final MemoryStore store = new MemoryStore();
    private Instant now = Instant.parse("2026-11-26T10:00:00Z");

    private RepoConfig config() {
        Clock clock = new Clock() {
            @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
            @Override public Clock withZone(java.time.ZoneId zone) { return this; }
            @Override public Instant instant() { return now; }
        };
        return new RepoConfig(base, store, clock, "github", ".github/qa-bridge.yml");
    }

    @Test
    void readsTheFileOncePerMinutePerRepository() {
        RepoConfig config = config();
        AtomicInteger reads = new AtomicInteger();
        var file = (java.util.function.Supplier<Optional<String>>) () -> {
            reads.incrementAndGet();
            return Optional.of("qatech:\n  applicationId: app_repo\n");
        };
        assertThat(config.load("acme/shop", "d", file).settings().qatechApplicationId()).contains("app_repo");
        now = now.plus(Duration.ofSeconds(59));
        config.load("acme/shop", "d", file);
        assertThat(reads).hasValue(1);
        config.load("acme/other", "d", file);
        assertThat(reads).hasValue(2);
        now = now.plus(Duration.ofSeconds(2));
        config.load("acme/shop", "d", file);
        assertThat(reads).hasValue(3);
    }

    @Test
    void noFileOrAnUnreadableOneKeepsTheBridgeSettings() {
        RepoConfig config = config();
        assertThat(config.load("acme/none", "d", Optional::empty).settings()).isEqualTo(base);
        assertThat(config.load("acme/err", "d", () -> { throw new ApiException("GitHub", 500, "boom"); }).settings()).isEqualTo(base);
    }

    @Test
    void aRefusalIsRememberedForTheMinuteInsteadOfAskedAgainPerDelivery() {
        RepoConfig config = config();
        AtomicInteger reads = new AtomicInteger();
        java.util.function.Supplier<Optional<String>> refused = () -> {
            reads.incrementAndGet();
            throw new ApiException("GitHub", 403, "Resource not accessible by personal access token");
        };
        config.load("acme/locked", "d1", refused);
        config.load("acme/locked", "d2", refused);
        assertThat(reads).hasValue(1);
        now = now.plus(Duration.ofSeconds(61));
        config.load("acme/locked", "d3", refused);
        assertThat(reads).hasValue(2);
    }

    @Test
    void anInvalidFileIsReportedOncePerPullRequestAndContent() {
        RepoConfig config = config();
        RepoConfig.Loaded loaded = config.load("acme/shop", "d", () -> Optional.of("qatech:\n  applicationId: shop\n"));
        assertThat(loaded.settings()).isEqualTo(base);
        assertThat(loaded.problem()).hasValueSatisfying(p -> assertThat(p).contains("`qatech.applicationId`"));
        Thread thread = new Thread();
        config.report(loaded, "acme/shop", 7, thread, "d");
        config.report(loaded, "acme/shop", 7, thread, "d");
        config.report(loaded, "acme/shop", 8, thread, "d");
        assertThat(thread.posts).hasSize(2).allSatisfy(p -> assertThat(p).contains(".github/qa-bridge.yml", "line 2"));
    }

    private static final class Thread implements ReviewThread {
        final List<String> posts = new ArrayList<>();
        @Override public String post(String markdown) { posts.add(markdown); return String.valueOf(posts.size()); }
        @Override public boolean edit(String commentId, String markdown) { return true; }
        @Override public void react(String commentId, Reaction reaction) {}
        @Override public int maxCommentLength() { return 65_536; }
    }

    private static final class MemoryStore implements RunStore {
        final Set<String> claimed = new HashSet<>();
        final Map<String, String> pointers = new HashMap<>();
        @Override public void release(String key) {}
        @Override public boolean claim(String key) { return claimed.add(key); }
        @Override public Optional<String> swapPointer(String key, String value) { return Optional.ofNullable(pointers.put(key, value)); }
        @Override public void saveRun(RunRecord run) {}
        @Override public Optional<RunRecord> findRun(String runId) { return Optional.empty(); }
        @Override public boolean markReplied(String runId) { return false; }
        @Override public boolean claimFinalWord(String runId, String owner) { return false; }
    }
}
