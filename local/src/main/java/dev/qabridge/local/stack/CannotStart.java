package dev.qabridge.local.stack;

/**
 * Something a person must fix before the local stack can start (a port taken, moto missing). Its
 * message is the whole explanation, written for that person, and is printed as it is: no stack trace.
 */
public final class CannotStart extends RuntimeException {
    CannotStart(String message) {
        super(message, null, false, false);
    }
}
