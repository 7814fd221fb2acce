package dev.qabridge.flow;

import dev.qabridge.core.ApiException;
import dev.qabridge.core.Log;
import dev.qabridge.core.RepoSettings;
import dev.qabridge.core.ReviewThread;
import dev.qabridge.core.RunStore;
import dev.qabridge.core.Settings;
import dev.qabridge.core.Texts;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The settings in force for one repository: the bridge's, with the repository's settings file from
 * its default branch laid over them. The file is cached per repository for {@link #TTL} in this
 * container. An invalid file is reported once per PR and file content, and the bridge's settings
 * apply; a file the API refuses (403 and the like: the token lacks Contents read) is logged and the
 * bridge's settings apply. A transient failure (5xx, timeout) is not caught: the delivery fails and
 * is logged, rather than running with settings the repository may have narrowed.
 */
public final class RepoConfig {
    static final Duration TTL = Duration.ofSeconds(60);

    private final Settings base;
    private final RunStore store;
    private final Clock clock;
    private final String platform;
    private final String path;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(Instant at, Optional<String> text) {}

    /** The effective settings, and the problem with the file if it has one. */
    public record Loaded(Settings settings, Optional<String> problem, String fileHash) {}

    public RepoConfig(Settings base, RunStore store, Clock clock, String platform, String path) {
        this.base = base;
        this.store = store;
        this.clock = clock;
        this.platform = platform;
        this.path = path;
    }

    public String path() {
        return path;
    }

    /** {@code file} reads the file from the default branch (empty when there is none); called at most once per TTL per repo. */
    public Loaded load(String repo, String delivery, Supplier<Optional<String>> file) {
        Instant now = clock.instant();
        Cached c = cache.get(repo);
        if (c == null || c.at().plus(TTL).isBefore(now)) {
            try {
                c = new Cached(now, file.get());
            } catch (ApiException e) {
                // A refusal (e.g. a token without Contents: read) lasts: remember "no file" for the TTL
                // rather than asking again on every delivery. 5xx and timeouts never get here (transient).
                Log.warn("settings.unreadable", delivery, null, "repo", repo, "status", e.status());
                c = new Cached(now, Optional.empty());
            }
            cache.put(repo, c);
        }
        if (c.text().isEmpty()) {
            return new Loaded(base, Optional.empty(), "");
        }
        return switch (RepoSettings.parse(c.text().get())) {
            case RepoSettings.Valid v -> {
                Log.info("settings.loaded", delivery, null, "repo", repo, "file", path);
                yield new Loaded(base.with(v.settings()), Optional.empty(), "");
            }
            case RepoSettings.Problem p -> {
                Log.warn("settings.invalid", delivery, null, "repo", repo, "file", path);
                yield new Loaded(base, Optional.of(p.message()), sha256(c.text().get()));
            }
        };
    }

    /** Posts the file's problem on the PR/MR once per file content (a claim in the run table). */
    public void report(Loaded loaded, String repo, long number, ReviewThread thread, String delivery) {
        if (loaded.problem().isEmpty()) {
            return;
        }
        if (store.claim("settings#" + platform + "#" + repo + "#" + number + "#" + loaded.fileHash())) {
            Log.info("settings.reported", delivery, null, "repo", repo, "number", number);
            thread.post(Texts.badSettings(path, loaded.problem().get()));
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
