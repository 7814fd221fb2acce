package dev.qabridge.core;

import java.util.Map;
import java.util.Optional;

/** Read-only view of the settings a function runs with: the process environment in Lambda, a map in tests and the local stack. */
public record Env(Map<String, String> values) {

    public static Env system() {
        return new Env(System.getenv());
    }

    public Optional<String> find(String name) {
        String v = values.get(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
    }

    public String get(String name, String fallback) {
        return find(name).orElse(fallback);
    }

    public String require(String name) {
        return find(name).orElseThrow(() -> new MissingSettingException(name));
    }

    public int integer(String name, int fallback) {
        return find(name).map(v -> parse(name, v, Integer::parseInt)).orElse(fallback);
    }

    public double decimal(String name, double fallback) {
        return find(name).map(v -> parse(name, v, Double::parseDouble)).orElse(fallback);
    }

    private static <T> T parse(String name, String value, java.util.function.Function<String, T> parser) {
        try {
            return parser.apply(value);
        } catch (NumberFormatException e) {
            throw new IllegalStateException(name + " must be a number, got '" + value + "'");
        }
    }

    /** A required setting is absent; the message names it so the person deploying can fix it. */
    public static final class MissingSettingException extends IllegalStateException {
        private final String setting;

        public MissingSettingException(String setting) {
            super("Missing setting " + setting + ": set it in the environment (local) or the stack's parameters/secret (AWS)");
            this.setting = setting;
        }

        public String setting() {
            return setting;
        }
    }
}
