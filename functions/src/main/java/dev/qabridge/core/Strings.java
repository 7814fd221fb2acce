package dev.qabridge.core;

/** Small text helpers shared by the texts the bridge writes and the checks it makes. */
public final class Strings {
    private Strings() {}

    /** At most {@code max} UTF-16 units, never ending in half a surrogate pair, with "…" when cut. */
    public static String clip(String s, int max) {
        if (s == null || s.length() <= max) {
            return s == null ? "" : s;
        }
        int keep = Math.max(0, max - 1);
        if (keep > 0 && Character.isHighSurrogate(s.charAt(keep - 1))) {
            keep--;
        }
        return s.substring(0, keep) + "…";
    }

    /** The first seven characters of a commit SHA, as both platforms show it. */
    public static String shortSha(String sha) {
        return sha == null || sha.isEmpty() ? "?" : sha.substring(0, Math.min(7, sha.length()));
    }
}
