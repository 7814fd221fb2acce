package dev.qabridge.flow;

import dev.qabridge.core.CodeHost;
import dev.qabridge.core.Log;
import dev.qabridge.core.Platform;
import dev.qabridge.core.ReviewThread;
import dev.qabridge.core.RunState;
import dev.qabridge.core.Settings;
import dev.qabridge.core.StepResult;
import dev.qabridge.core.Texts;
import dev.qabridge.core.Workflow;
import dev.qabridge.qatech.QaTechClient;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What the phases of a run's steps share, beneath them (no phase uses another): the outside parts, the
 * run's settings (its settings file parsed once per container and file), posting a comment exactly once,
 * and the run's summary as the ledger keeps it.
 */
abstract class StepKit {
    /** The outside parts every step may use, built once per container. */
    record Deps(Settings base, Function<Platform, CodeHost> hosts, Supplier<QaTechClient> qatech, Workflow workflow, Clock clock,
                Supplier<Optional<String>> vercelBypassSecret, SettingsCache settingsCache) {}

    /** The last settings file read and what it gives: a run's steps (and the runs of one repository) carry the same text. */
    static final class SettingsCache {
        private record ParsedFile(String file, Settings settings) {}

        private volatile ParsedFile last;

        Settings get(Settings base, String file) {
            ParsedFile parsed = last;
            if (parsed == null || !parsed.file().equals(file)) {
                parsed = new ParsedFile(file, RepoConfig.apply(base, file).settings());
                last = parsed;
            }
            return parsed.settings();
        }
    }

    final Settings base;
    final Function<Platform, CodeHost> hosts;
    final Supplier<QaTechClient> qatech;
    final Workflow workflow;
    final Clock clock;
    final Supplier<Optional<String>> vercelBypassSecret;
    private final SettingsCache settingsCache;

    StepKit(Deps deps) {
        this.base = deps.base();
        this.hosts = deps.hosts();
        this.qatech = deps.qatech();
        this.workflow = deps.workflow();
        this.clock = deps.clock();
        this.vercelBypassSecret = deps.vercelBypassSecret();
        this.settingsCache = deps.settingsCache();
    }

    /** The settings this run applies: the bridge's, with its repository's settings file laid over them. */
    Settings settings(RunState run) {
        return settingsCache.get(base, run.input().settingsFile());
    }

    /** At most this many runs in {@code /qa status}. */
    static final int STATUS_RUNS = 10;

    StepResult.Posted posted(RunState run, String text, int retry) {
        String id = postOnce(hosts.apply(run.origin().platform()).thread(run.origin()), text, run, "answer", retry);
        Log.info("run.answered", run.ask().deliveryId(), null, "run", run.runId(), "command", run.command(), "comment", id);
        return new StepResult.Posted(id);
    }

    /**
     * Posts {@code text}; on a retry first looks for the comment an earlier attempt may have posted
     * (found by the run's marker), so a lost answer never becomes a second comment.
     */
    String postOnce(ReviewThread thread, String text, RunState in, String role, int retry) {
        // every attempt looks first, the first one too: an earlier state (or a Lambda retry the state machine never
        // counted) may have posted it and lost the answer
        Optional<String> earlier = thread.findMarked(Texts.runMarker(in.runId(), role),
                Instant.ofEpochMilli(in.ask().receivedAtMillis()).minusSeconds(60));
        if (earlier.isPresent()) {
            Log.info("comment.found_earlier", in.ask().deliveryId(), null, "run", in.runId(), "role", role, "retry", retry);
            return earlier.get();
        }
        return thread.post(text);
    }

    /** The run's summary as the ledger keeps it, from everything the state knows so far, as the state machine writes it. */
    static String summary(RunState run) {
        return run.summary().toString();
    }

    static String clip(String s, int max) {
        if (s == null || s.length() <= max) {
            return s == null ? "" : s;
        }
        int keep = Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
        return s.substring(0, keep) + " …(shortened)";
    }
}
