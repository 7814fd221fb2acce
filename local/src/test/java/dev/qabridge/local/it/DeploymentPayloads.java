package dev.qabridge.local.it;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qabridge.http.JsonHttp;

import java.net.http.HttpResponse;
import java.util.Map;

/**
 * Deployment deliveries shaped like the real ones: GitHub's {@code deployment_status} (as in
 * {@code @octokit/webhooks-examples}) and GitLab's Deployment Hook (GitLab's webhook events reference).
 */
final class DeploymentPayloads {
    private DeploymentPayloads() {}

    /** A {@code deployment_status} of deployment {@code id} of {@code sha} to {@code environment} in {@code repo}. */
    static ObjectNode github(String repo, long id, String sha, String environment, String state, String environmentUrl) {
        ObjectNode p = JsonHttp.JSON.createObjectNode();
        p.put("action", "created");
        ObjectNode status = p.putObject("deployment_status");
        status.put("id", id * 10 + 1);
        status.put("state", state);
        status.put("description", "Deployment has completed");
        status.put("environment", environment);
        status.put("environment_url", environmentUrl);
        status.put("target_url", "https://vercel.com/acme/shop/" + id);
        status.put("log_url", "https://vercel.com/acme/shop/" + id);
        status.putObject("creator").put("login", "vercel[bot]").put("type", "Bot");
        ObjectNode deployment = p.putObject("deployment");
        deployment.put("id", id);
        deployment.put("sha", sha);
        deployment.put("ref", "feature/cart-totals");
        deployment.put("task", "deploy");
        deployment.put("environment", environment);
        deployment.put("original_environment", environment);
        deployment.put("production_environment", environment.equalsIgnoreCase("production"));
        deployment.put("transient_environment", !environment.equalsIgnoreCase("production"));
        deployment.putObject("creator").put("login", "vercel[bot]").put("type", "Bot");
        ObjectNode r = p.putObject("repository");
        r.put("full_name", repo);
        r.put("name", repo.substring(repo.indexOf('/') + 1));
        r.put("default_branch", "main");
        r.putObject("owner").put("login", repo.substring(0, repo.indexOf('/')));
        p.putObject("sender").put("login", "vercel[bot]").put("type", "Bot");
        return p;
    }

    /** A Deployment Hook of deployment {@code id} of {@code sha} to {@code environment} in project {@code projectId}. */
    static ObjectNode gitlab(long projectId, String path, long id, String sha, String environment, String status, String externalUrl) {
        ObjectNode p = JsonHttp.JSON.createObjectNode();
        p.put("object_kind", "deployment");
        p.put("status", status);
        p.put("status_changed_at", "2026-11-26 10:00:00 +0000");
        p.put("deployment_id", id);
        p.put("deployable_id", 796);
        p.put("deployable_url", "https://gitlab.example.com/" + path + "/-/jobs/796");
        p.put("environment", environment);
        p.put("environment_tier", environment.startsWith("review/") ? "development" : "production");
        p.put("environment_slug", environment.replaceAll("[^a-z0-9]+", "-"));
        p.put("environment_external_url", externalUrl);
        ObjectNode project = p.putObject("project");
        project.put("id", projectId);
        project.put("name", path.substring(path.indexOf('/') + 1));
        project.put("web_url", "https://gitlab.example.com/" + path);
        project.put("namespace", path.substring(0, path.indexOf('/')));
        project.put("path_with_namespace", path);
        project.put("default_branch", "main");
        p.put("short_sha", sha.substring(0, 8));
        p.putObject("user").put("id", 583).put("name", "Alice").put("username", "alice");
        p.put("user_url", "https://gitlab.example.com/alice");
        p.put("commit_url", "https://gitlab.example.com/" + path + "/-/commit/" + sha);
        p.put("commit_title", "Recompute totals");
        return p;
    }

    static HttpResponse<String> deliverGitLab(String baseUrl, String idempotencyKey, ObjectNode payload) throws Exception {
        return GitLabPayloads.send(baseUrl, "Deployment Hook", idempotencyKey, GitLabPayloads.bytes(payload), Map.of());
    }
}
