package dev.qabridge.core;

/**
 * A call to QA.tech, GitHub or GitLab failed in a way that may pass (429, 5xx, network). The state
 * machine retries a Task that ends with this error; its name is part of the ASL contract.
 */
public class TransientApiError extends RuntimeException {
    public TransientApiError(String message, Throwable cause) {
        super(message, cause);
    }

    public TransientApiError(String message) {
        super(message);
    }
}
