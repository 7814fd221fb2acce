package dev.qabridge.flow;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qabridge.core.IgnoredBecause;
import dev.qabridge.core.Inbound;
import dev.qabridge.core.Redaction;

/** What the webhook answers the platform: a status code and a small JSON body saying what happened. */
public record Answer(int status, ObjectNode body, IgnoredBecause because) {

    /** Every value passes through {@link Redaction}: GitHub shows webhook answers in its delivery log. */
    public static Answer of(int status, String key, String value) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put(key, Redaction.apply(value));
        return new Answer(status, body, null);
    }

    /** An event we do not act on: still 2xx (GitLab disables hooks that fail), with the reason and its category. */
    public static Answer ignored(IgnoredBecause because, String reason) {
        Answer a = of(200, "ignored", reason);
        return new Answer(a.status(), a.body(), because);
    }

    /** What the platform's parser left alone, as it said. */
    public static Answer ignored(Inbound.Ignored ignored) {
        return ignored(ignored.because(), ignored.reason());
    }

    public static Answer unauthorized(String hint) {
        return of(401, "error", hint);
    }

    public Answer with(String key, String value) {
        body.put(key, Redaction.apply(value));
        return this;
    }
}
