package dev.qabridge.flow;

/**
 * The agent has finished but QA.tech cannot hand over its answer right now (5xx, 429, no connection),
 * and the run's deadline has not passed: the state machine waits and asks again, rather than replying
 * without the answer or giving up on the reply.
 */
public final class AnswerUnavailable extends RuntimeException {
    public AnswerUnavailable(String message) {
        super(message, null, false, false);
    }
}
