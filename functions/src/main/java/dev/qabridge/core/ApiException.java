package dev.qabridge.core;

/** An outside API answered with an error. {@code status} is the HTTP status, 0 when no answer came. */
public class ApiException extends RuntimeException {
    private final String service;
    private final int status;
    private final String detail;

    public ApiException(String service, int status, String detail) {
        super(service + " answered " + (status == 0 ? "nothing" : String.valueOf(status)) + (detail == null || detail.isBlank() ? "" : ": " + detail));
        this.service = service;
        this.status = status;
        this.detail = detail == null ? "" : detail;
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
}
