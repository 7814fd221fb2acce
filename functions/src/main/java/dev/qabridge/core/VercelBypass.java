package dev.qabridge.core;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Vercel's "Protection Bypass for Automation": a protected preview opens for a request that carries
 * the project's secret as the {@code x-vercel-protection-bypass} header or query parameter;
 * {@code x-vercel-set-bypass-cookie=true} makes Vercel set a cookie, so the agent's browser stays in
 * as it follows links. QA.tech's API takes a URL only, so the secret goes into the query of the URL
 * sent to QA.tech, and nowhere else: comments, run records, logs and the state machine keep the
 * plain URL.
 */
public final class VercelBypass {
    private VercelBypass() {}

    /** True for previews Vercel serves: a {@code *.vercel.app} host, or any host when the repository says so. */
    public static boolean applies(String previewUrl, boolean onVercel) {
        if (onVercel) {
            return true;
        }
        try {
            String host = URI.create(previewUrl).getHost();
            return host != null && (host.toLowerCase(Locale.ROOT).endsWith(".vercel.app"));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Whether the secret may go to {@code previewUrl}, given where the URL came from. A URL from the PR's
     * own deployments or the bridge's template is the team's preview: {@link #applies}. A URL a commenter
     * typed ({@code --url}) gets it only when its host matches one of {@code vercelHosts}
     * ({@code preview.vercelHosts}): any {@code *.vercel.app} can be anyone's site, and the secret opens
     * every protected preview of the team's project.
     */
    public static boolean appliesTo(String previewUrl, Preview.Source source, boolean onVercel, List<String> vercelHosts) {
        String host;
        try {
            host = URI.create(previewUrl).getHost();
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (host != null && Globs.matchesAny(vercelHosts, host)) {
            return true;
        }
        return source != Preview.Source.COMMAND && applies(previewUrl, onVercel);
    }

    /** {@link #forAgent(String, Optional, boolean)} for a URL that came from {@code source} (see {@link #appliesTo}). */
    public static String forAgent(String previewUrl, Optional<String> secret, Preview.Source source, boolean onVercel,
                                  List<String> vercelHosts) {
        return appliesTo(previewUrl, source, onVercel, vercelHosts) ? forAgent(previewUrl, secret, true) : previewUrl;
    }

    /** The URL QA.tech should open: the plain one, or with the bypass parameters when a secret is set and Vercel serves it. */
    public static String forAgent(String previewUrl, Optional<String> secret, boolean onVercel) {
        if (secret.isEmpty() || !applies(previewUrl, onVercel)) {
            return previewUrl;
        }
        int hash = previewUrl.indexOf('#');
        String base = hash < 0 ? previewUrl : previewUrl.substring(0, hash);
        String fragment = hash < 0 ? "" : previewUrl.substring(hash);
        String query = "x-vercel-protection-bypass=" + URLEncoder.encode(secret.get(), StandardCharsets.UTF_8)
                + "&x-vercel-set-bypass-cookie=true";
        return base + (base.contains("?") ? "&" : "?") + query + fragment;
    }
}
