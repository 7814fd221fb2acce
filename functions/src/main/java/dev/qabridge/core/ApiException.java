package dev.qabridge.core;

/** An outside API answered with an error. {@code status} is the HTTP status, 0 when no answer came. */
public class ApiException extends RuntimeException {
    private final String service;
    private final int status;
    private final String detail;
    private final java.util.Optional<String> retryAfter;

    public ApiException(String service, int status, String detail) {
        this(service, status, detail, java.util.Optional.empty());
    }

    /** {@code retryAfter}: the answer's {@code Retry-After} header, when it sent one. */
    public ApiException(String service, int status, String detail, java.util.Optional<String> retryAfter) {
        super(service + " answered " + (status == 0 ? "nothing" : String.valueOf(status)) + (detail == null || detail.isBlank() ? "" : ": " + detail));
        this.service = service;
        this.status = status;
        this.detail = detail == null ? "" : detail;
        this.retryAfter = retryAfter;
    }

    public java.util.Optional<String> retryAfter() {
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

    /** 429, 5xx and no answer at all may pass by themselves; any other 4xx will not. */
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
