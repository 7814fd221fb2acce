package dev.qabridge.flow;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qabridge.core.Redaction;

/** What the webhook answers the platform: a status code and a small JSON body saying what happened. */
public record Answer(int status, ObjectNode body, String reason) {
    /** Why a delivery was left alone, as the {@code CommandsIgnored} metric's {@code Reason}: a fixed vocabulary. */
    public static final String EVENT = "event", EDITED = "edited", BOT = "bot", OWN = "own", NOT_A_COMMAND = "not-a-command",
            UNTRUSTED = "untrusted", ENVIRONMENT = "environment", FORK = "fork", NO_PULL_REQUEST = "no-pull-request",
            DUPLICATE = "duplicate", PUSH = "push", REFUSED = "refused";

    /** Every value passes through {@link Redaction}: GitHub shows webhook answers in its delivery log. */
    public static Answer of(int status, String key, String value) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put(key, Redaction.apply(value));
        return new Answer(status, body, "");
    }

    /** An event we do not act on: still 2xx (GitLab disables hooks that fail), with the reason and its category. */
    public static Answer ignored(String category, String reason) {
        Answer a = of(200, "ignored", reason);
        return new Answer(a.status(), a.body(), category);
    }

    /** The category of a delivery the platform's parser left alone, from its reason. */
    static String category(dev.qabridge.core.Inbound.Ignored ignored) {
        String r = ignored.reason();
        if (r.contains("written by qa-bridge") || r.contains("bridge's own account")) {
            return OWN;
        }
        if (r.contains("by a bot")) {
            return BOT;
        }
        if (r.startsWith("comment ") && r.contains("only new comments") || r.startsWith("note ") && r.contains("only new notes")) {
            return EDITED;
        }
        return EVENT;
    }

    public static Answer unauthorized(String hint) {
        return of(401, "error", hint);
    }

    public Answer with(String key, String value) {
        body.put(key, Redaction.apply(value));
        return this;
    }
}
