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

    /** How many bytes {@code s} takes in UTF-8 (what DynamoDB and Step Functions count). */
    public static int utf8Length(String s) {
        int bytes = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 4;
                i++;
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }

    /** At most {@code maxBytes} of UTF-8, cut between characters, with "…" when cut: what the run table keeps of a text. */
    public static String clipBytes(String s, int maxBytes) {
        if (s == null) {
            return "";
        }
        if (utf8Length(s) <= maxBytes) {
            return s;
        }
        int budget = maxBytes - 3;   // "…" is 3 bytes
        int used = 0;
        int end = 0;
        while (end < s.length()) {
            int cp = s.codePointAt(end);
            int b = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (used + b > budget) {
                break;
            }
            used += b;
            end += Character.charCount(cp);
        }
        return s.substring(0, end) + "…";
    }

    /** The first seven characters of a commit SHA, as both platforms show it. */
    public static String shortSha(String sha) {
        return sha == null || sha.isEmpty() ? "?" : sha.substring(0, Math.min(7, sha.length()));
    }
}
