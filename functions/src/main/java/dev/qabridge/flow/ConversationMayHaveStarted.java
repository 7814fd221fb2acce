package dev.qabridge.flow;

/**
 * {@code POST /v1/chat} may have reached QA.tech (it timed out, or answered 5xx), so the conversation
 * may exist. QA.tech has no idempotency key: the run never sends it again, and the reply says so.
 */
public final class ConversationMayHaveStarted extends RuntimeException {
    public ConversationMayHaveStarted(String message) {
        super(message, null, false, false);
    }
}
