package dev.qabridge.flow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qabridge.core.CodeHost;
import dev.qabridge.core.Ledger;
import dev.qabridge.core.Log;
import dev.qabridge.core.Platform;
import dev.qabridge.core.ReviewThread;
import dev.qabridge.core.RunInput;
import dev.qabridge.core.RunRecord;
import dev.qabridge.core.Settings;
import dev.qabridge.core.Texts;
import dev.qabridge.core.Workflow;
import dev.qabridge.http.JsonHttp;
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
    Settings settings(RunInput in) {
        return settingsCache.get(base, in.settingsFile());
    }

    /** At most this many runs in {@code /qa status}. */
    static final int STATUS_RUNS = 10;

    JsonNode posted(RunInput in, String text, int retry) {
        String id = postOnce(hosts.apply(in.origin().platform()).thread(in.origin()), text, in, "answer", retry);
        Log.info("run.answered", in.ask().deliveryId(), null, "run", in.runId(), "command", in.command(), "comment", id);
        return JsonHttp.JSON.createObjectNode().put("commentId", id);
    }

    /**
     * Posts {@code text}; on a retry first looks for the comment an earlier attempt may have posted
     * (found by the run's marker), so a lost answer never becomes a second comment.
     */
    String postOnce(ReviewThread thread, String text, RunInput in, String role, int retry) {
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

    /** The run's summary as the ledger keeps it, from everything the state knows so far. */
    static ObjectNode entry(JsonNode state) {
        RunInput in = RunInput.fromJson(state);
        ObjectNode e = Ledger.summary(in.runId(), in.command(), in.ask(), in.ask().receivedAtMillis());
        JsonNode target = state.path("target");
        JsonNode conversation = state.path("conversation");
        return Ledger.withWork(e, target.path("sha").asText(in.ask().sha()), target.path("url").asText(""),
                conversation.path("id").asText(""), conversation.path("url").asText(""),
                state.path("status").path("commentId").asText(""), state.path("pending").path("checkRunId").asText(""));
    }

    /** The run as the texts describe it, with {@code statusCommentId} ("" before the status comment exists). */
    static RunRecord record(RunInput in, JsonNode state, String statusCommentId) {
        JsonNode c = state.path("conversation");
        return new RunRecord(in.runId(), in.origin(), in.ask(), new RunRecord.Conversation(c.path("id").asText(), c.path("url").asText()),
                statusCommentId, state.path("target").path("url").asText(), state.path("target").path("sha").asText());
    }

    static String clip(String s, int max) {
        if (s == null || s.length() <= max) {
            return s == null ? "" : s;
        }
        int keep = Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
        return s.substring(0, keep) + " …(shortened)";
    }

    static JsonNode json(String text) {
        try {
            return JsonHttp.JSON.readTree(text);
        } catch (java.io.IOException e) {
            return JsonHttp.JSON.createObjectNode();
        }
    }

    /** Step Functions hands a caught error over as {@code {Error, Cause}}, Cause being the Lambda error JSON. */
    static String errorMessage(JsonNode error) {
        String cause = error.path("Cause").asText("");
        try {
            JsonNode parsed = JsonHttp.JSON.readTree(cause);
            if (parsed != null && parsed.hasNonNull("errorMessage")) {
                return parsed.path("errorMessage").asText();
            }
        } catch (java.io.IOException ignored) {
            // not JSON: use it as it is
        }
        return cause.isBlank() ? error.path("Error").asText("unknown error") : cause;
    }
}
