package dev.qabridge.core;

/**
 * Who asked for a run and what: the requester (a login, or "the Preview deployment" for an automatic
 * run), the instructions, the URL given with {@code --url} or deployed (empty: find the preview), the
 * command's comment id (empty for automatic runs: nothing to react on), the delivery that brought it
 * (for logs), when the bridge received it, and for automatic runs the deployed commit and environment.
 */
public record Ask(String requester, String instructions, String url, String commentId, String deliveryId, long receivedAtMillis,
                  String sha, String environment) {

    public Ask {
        url = url == null ? "" : url;
        commentId = commentId == null ? "" : commentId;
        sha = sha == null ? "" : sha;
        environment = environment == null ? "" : environment;
    }

    public boolean automatic() {
        return !environment.isEmpty();
    }
}
