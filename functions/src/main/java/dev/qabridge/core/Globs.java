package dev.qabridge.core;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Environment-name globs as {@code AUTO_RUN_ENVIRONMENTS} and the settings file write them:
 * case-insensitive, {@code *} matches any run of characters ({@code /} included), {@code ?} one
 * character, everything else itself.
 *
 * <p>Matching never backtracks: the pattern is cut at its stars into literal pieces, the first must
 * start the name, the last must end it, and each piece between is taken at its leftmost place after
 * the previous one (leftmost is always safe, since a star before the next piece can absorb anything).
 * That is at most pattern × name steps, and both are capped, so a hostile pattern such as
 * {@code *a*a*a*a*a*a*b} costs microseconds, not minutes.
 */
public final class Globs {
    /** Longest pattern accepted (settings are validated against it). */
    public static final int MAX_PATTERN = 200;
    /** Longer names never match (no platform allows environment names this long). */
    static final int MAX_NAME = 1_000;

    private Globs() {}

    /** Comma-separated globs, blanks dropped; an empty or blank text gives no globs (auto runs off). */
    public static List<String> parse(String commaSeparated) {
        return Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(g -> !g.isEmpty()).toList();
    }

    public static boolean matchesAny(List<String> globs, String name) {
        return name != null && globs.stream().anyMatch(g -> matches(g, name));
    }

    public static boolean matches(String glob, String name) {
        if (glob.length() > MAX_PATTERN || name.length() > MAX_NAME) {
            return false;
        }
        String g = glob.toLowerCase(Locale.ROOT);
        String n = name.toLowerCase(Locale.ROOT);
        String[] pieces = g.split("\\*", -1);
        if (pieces.length == 1) {
            return n.length() == g.length() && at(n, 0, g);
        }
        String first = pieces[0];
        String last = pieces[pieces.length - 1];
        if (first.length() + last.length() > n.length() || !at(n, 0, first) || !at(n, n.length() - last.length(), last)) {
            return false;
        }
        int from = first.length();
        int end = n.length() - last.length();
        for (int i = 1; i < pieces.length - 1; i++) {
            int found = find(n, pieces[i], from, end);
            if (found < 0) {
                return false;
            }
            from = found + pieces[i].length();
        }
        return true;
    }

    /** The leftmost place in {@code n[from, end)} where {@code piece} (with {@code ?} wildcards) fits; -1 when none. */
    private static int find(String n, String piece, int from, int end) {
        for (int i = from; i + piece.length() <= end; i++) {
            if (at(n, i, piece)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean at(String n, int offset, String piece) {
        for (int j = 0; j < piece.length(); j++) {
            char p = piece.charAt(j);
            if (p != '?' && p != n.charAt(offset + j)) {
                return false;
            }
        }
        return true;
    }
}
