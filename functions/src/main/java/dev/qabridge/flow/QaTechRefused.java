package dev.qabridge.flow;

/** QA.tech refused to start the conversation (4xx); the message says why in words a person on the PR can act on. */
public final class QaTechRefused extends RuntimeException {
    public QaTechRefused(String explanation) {
        super(explanation, null, false, false);
    }
}
