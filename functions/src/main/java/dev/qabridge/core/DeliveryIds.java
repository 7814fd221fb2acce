package dev.qabridge.core;

import java.util.regex.Pattern;

/** Delivery ids as the platforms send them (GUIDs): anything else is refused before it reaches a log line or a key. */
public final class DeliveryIds {
    private static final Pattern ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9-]{0,63}$");

    private DeliveryIds() {}

    /** {@code value} when it is a plausible delivery id, "" when absent; a {@link BadDelivery} naming {@code header} otherwise. */
    public static String check(String header, String value) {
        if (value == null || value.isBlank()) {
            return "";
        }
        String v = value.trim();
        if (!ID.matcher(v).matches()) {
            throw new BadDelivery(header + " must be an id of letters, digits and dashes (at most 64), as GitHub and GitLab send it");
        }
        return v;
    }
}
