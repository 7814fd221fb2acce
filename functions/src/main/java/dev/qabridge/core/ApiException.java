package dev.qabridge.core;

import java.util.Optional;

/**
 * An outside API answered with an error. {@code status} is the HTTP status, 0 when no answer came;
 * {@code notSent} says the request never reached the server (the connection failed), so even a call
 * that creates something may be sent again. {@code hint} says what a person can do about it (e.g. the
 * permission a token lacks), when the caller knows.
 */
public class ApiException extends RuntimeException {
    private final String service;
    private final int status;
    private final String detail;
    private final Optional<String> retryAfter;
    private final boolean notSent;
    private final String hint;

    public ApiException(String service, int status, String detail) {
        this(service, status, detail, Optional.empty());
    }

    /** {@code retryAfter}: the answer's {@code Retry-After} header, when it sent one. */
    public ApiException(String service, int status, String detail, Optional<String> retryAfter) {
        this(service, status, detail, retryAfter, false);
    }

    public ApiException(String service, int status, String detail, Optional<String> retryAfter, boolean notSent) {
        this(service, status, detail, retryAfter, notSent, "");
    }

    private ApiException(String service, int status, String detail, Optional<String> retryAfter, boolean notSent, String hint) {
        super(service + " answered " + (status == 0 ? "nothing" : String.valueOf(status))
                + (detail == null || detail.isBlank() ? "" : ": " + Redaction.apply(detail)) + (hint.isEmpty() ? "" : " (" + hint + ")"));
        this.service = service;
        this.status = status;
        // an API may repeat what it was sent (a URL with the Vercel bypass secret): never keep it
        this.detail = detail == null ? "" : Redaction.apply(detail);
        this.retryAfter = retryAfter;
        this.notSent = notSent;
        this.hint = hint;
    }

    /** The same failure with advice a person can act on, e.g. "the token needs Pull requests: read". */
    public ApiException withHint(String advice) {
        return new ApiException(service, status, detail, retryAfter, notSent, advice);
    }

    public Optional<String> retryAfter() {
        return retryAfter;
    }

    public String service() {
        return service;
    }

    public int status() {
        return status;
    }

    public String detail() {
        return detail;
    }

    public String hint() {
        return hint;
    }

    public boolean notSent() {
        return notSent;
    }

    /** 429, 5xx and no answer at all may pass by themselves; any other 4xx (and 3xx) will not. */
    public boolean isTransient() {
        return status == 0 || status == 429 || status >= 500;
    }

    /**
     * What a state machine task throws for this answer: a {@link TransientApiError} (which the ASL
     * retries) when it may pass by itself, this exception (caught, then reported) when it will not.
     */
    public RuntimeException forStateMachine() {
        return isTransient() ? new TransientApiError(getMessage(), this) : this;
    }
}
