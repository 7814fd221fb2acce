package dev.qabridge.core;

import java.util.Collection;

/**
 * The container's one {@link Redactor}, applied to every log line, webhook answer, comment and error
 * message the bridge writes. The bridge sets it from its secrets when it starts and whenever it reads
 * them again; before that it still masks secret-looking URL query values, URL user info and
 * Authorization headers.
 */
public final class Redaction {
    private static volatile Redactor current = Redactor.NONE;

    private Redaction() {}

    /** Redacts these secrets from now on (they replace the ones known before). */
    public static void use(Collection<String> secrets) {
        current = new Redactor(secrets);
    }

    public static String apply(String text) {
        return current.redact(text);
    }
}
