package dev.qabridge.flow;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** What the webhook answers the platform: a status code and a small JSON body saying what happened. */
public record Answer(int status, ObjectNode body) {

    public static Answer of(int status, String key, String value) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put(key, value);
        return new Answer(status, body);
    }

    /** An event we do not act on: still 2xx (GitLab disables hooks that fail), with the reason. */
    public static Answer ignored(String reason) {
        return of(200, "ignored", reason);
    }

    public static Answer unauthorized(String hint) {
        return of(401, "error", hint);
    }

    public Answer with(String key, String value) {
        body.put(key, value);
        return this;
    }

    /**
     * One answer for several runs (a deployment of a commit that heads more than one PR): the first
     * one's, with every run listed; ignored when there were none.
     */
    public static Answer combine(java.util.List<Answer> answers, String noneReason) {
        if (answers.isEmpty()) {
            return ignored(noneReason);
        }
        Answer first = answers.get(0);
        if (answers.size() > 1) {
            var runs = first.body().putArray("runs");
            answers.forEach(a -> runs.add(a.body()));
        }
        return first;
    }
}
