package dev.qabridge.flow;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qabridge.core.ApiException;
import dev.qabridge.core.Log;
import dev.qabridge.qatech.Progress;
import dev.qabridge.qatech.QaTechClient;

import java.time.Clock;

/**
 * One turn of the wait-loop: read the conversation, say whether it is done, and how long to wait
 * before the next look. Returns the loop's small state, never the agent's text (state is capped at 256 KB).
 */
public final class Poller {
    /** Enough messages to see our own user message behind a few assistant updates. */
    static final int LIMIT = 20;

    private final QaTechClient qatech;
    private final int maxWaitSeconds;
    private final Clock clock;

    public Poller(QaTechClient qatech, int maxWaitSeconds, Clock clock) {
        this.qatech = qatech;
        this.maxWaitSeconds = maxWaitSeconds;
        this.clock = clock;
    }

    public ObjectNode poll(ObjectNode state) {
        String chatId = state.path("chatId").asText();
        String runId = state.path("runId").asText();
        String delivery = state.path("deliveryId").asText(runId);
        int polls = state.path("polls").asInt(0) + 1;
        QaTechClient.Conversation conversation;
        try {
            conversation = qatech.get(chatId, LIMIT);
        } catch (ApiException e) {
            Log.warn("poll.failed", delivery, chatId, "status", e.status(), "poll", polls);
            throw e.forStateMachine();
        }
        Progress progress = Progress.of(conversation.messages());
        ObjectNode out = state.deepCopy();
        out.remove("error");
        out.put("polls", polls);
        out.put("status", progress.state().name());
        boolean timedOut = !progress.finished() && clock.instant().getEpochSecond() >= state.path("deadline").asLong(Long.MAX_VALUE);
        out.put("timedOut", timedOut);
        out.put("done", progress.finished() || timedOut);
        out.put("waitSeconds", Math.min(maxWaitSeconds, Math.max(1, state.path("waitSeconds").asInt(1)) * 2));
        Log.info("poll.done", delivery, chatId, "poll", polls, "status", progress.state(), "timedOut", timedOut);
        return out;
    }
}
