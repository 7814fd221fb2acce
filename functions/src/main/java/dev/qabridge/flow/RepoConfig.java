package dev.qabridge.flow;

import dev.qabridge.core.ApiException;
import dev.qabridge.core.CodeHost;
import dev.qabridge.core.Log;
import dev.qabridge.core.Origin;
import dev.qabridge.core.RepoSettings;
import dev.qabridge.core.Settings;

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

/**
 * The settings in force for one repository: the bridge's, with the repository's settings file from
 * its default branch laid over them. The webhook reads the file (cached per repository for {@link #TTL}
 * in this container) and hands its text to the run, so every state of a run applies the same file
 * ({@link #apply}). A file the API refuses (403 and the like: the token lacks Contents read) is logged
 * and remembered as absent for the TTL; a transient failure (5xx, timeout) is not caught: the delivery
 * fails rather than running with settings the repository may have narrowed.
 */
public final class RepoConfig {
    static final Duration TTL = Duration.ofSeconds(60);
    /** Larger files are refused with a problem: a settings file is a few lines. */
    static final int MAX_FILE = 16 * 1024;

    private final Settings base;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(Instant at, Optional<String> text) {}

    /** The effective settings, the file's text ("" when none) and the problem with the file if it has one. */
    public record Loaded(Settings settings, String file, Optional<String> problem) {
        /** The file's SHA-256, so that its problem is reported once per content. */
        public String fileHash() {
            return sha256(file);
        }
    }

    public RepoConfig(Settings base, Clock clock) {
        this.base = base;
        this.clock = clock;
    }

    /** Reads (or takes from the cache) the settings file of {@code repository} and applies it. */
    public Loaded load(CodeHost host, Origin repository, String defaultBranch, String delivery) {
        String key = host.platform().wireName() + "#" + repository.repoKey();
        Instant now = clock.instant();
        Cached c = cache.get(key);
        if (c == null || c.at().plus(TTL).isBefore(now)) {
            try {
                c = new Cached(now, host.settingsFile(repository, defaultBranch));
            } catch (ApiException e) {
                if (e.isTransient()) {
                    throw e;
                }
                // A refusal (e.g. a token without Contents: read) lasts: remember "no file" for the TTL.
                Log.warn("settings.unreadable", delivery, null, "repo", repository.repo(), "status", e.status());
                c = new Cached(now, Optional.empty());
            }
            cache.put(key, c);
        }
        Loaded loaded = apply(base, c.text().orElse(""));
        if (loaded.problem().isPresent()) {
            Log.warn("settings.invalid", delivery, null, "repo", repository.repo(), "file", host.settingsPath());
        }
        return loaded;
    }

    /** {@code base} with the file's settings laid over it; the bridge's own when the file is empty, too large or invalid. */
    public static Loaded apply(Settings base, String file) {
        if (file.isBlank()) {
            return new Loaded(base, "", Optional.empty());
        }
        if (file.length() > MAX_FILE) {
            return new Loaded(base, file.substring(0, MAX_FILE), Optional.of("the file is larger than " + MAX_FILE / 1024
                    + " KB; a settings file is a few lines"));
        }
        return switch (RepoSettings.parse(file)) {
            case RepoSettings.Valid v -> new Loaded(base.with(v.settings()), file, Optional.empty());
            case RepoSettings.Problem p -> new Loaded(base, file, Optional.of(p.message()));
        };
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
