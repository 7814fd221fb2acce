package dev.qabridge.local.it;

import dev.qabridge.local.stack.LocalStack;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.qabridge.local.it.TemplateTest.list;
import static dev.qabridge.local.it.TemplateTest.map;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The files that let a fork test itself and stay current: the GitHub Actions workflow runs the README's test
 * command with what it needs (Java 21, moto, cfn-lint, Node) and SAM's lint; Dependabot proposes Maven
 * updates for both modules as one pull request, and the workflow's actions. Both are read as YAML, as
 * GitHub reads them.
 */
class RepoFilesTest {
    private static final Path ROOT = LocalStack.root();

    @Test
    void theWorkflowRunsTheTestCommandOnEveryPushAndPullRequest() throws IOException {
        Map<String, Object> workflow = yaml(".github/workflows/ci.yml");
        // YAML 1.1 reads an unquoted `on` key as true; GitHub reads it as "on"
        Map<String, Object> on = map(workflow.containsKey("on") ? workflow.get("on") : workflow.get(Boolean.TRUE));
        assertThat(on).containsKeys("push", "pull_request");

        Map<String, Object> test = map(map(workflow.get("jobs")).get("test"));
        assertThat(test.get("runs-on")).isEqualTo("ubuntu-latest");
        List<Map<String, Object>> steps = steps(test);
        Map<String, Object> java = step(steps, "actions/setup-java");
        assertThat(map(java.get("with"))).containsEntry("java-version", "21").containsEntry("distribution", "temurin")
                .containsEntry("cache", "maven");
        step(steps, "actions/checkout");
        step(steps, "actions/setup-python");
        step(steps, "actions/setup-node");
        assertThat(runs(steps)).contains("./qa-bridge test")
                .anySatisfy(run -> assertThat(run).startsWith("pip install ").contains("\"" + motoRequirement() + "\"", "cfn-lint"));
        assertThat(runs(steps).indexOf("./qa-bridge test")).as("the tests run after everything they need is installed")
                .isGreaterThan(steps.indexOf(step(steps, "actions/setup-node")));
    }

    @Test
    void theWorkflowLintsTheTemplateWithSam() throws IOException {
        Map<String, Object> jobs = map(yaml(".github/workflows/ci.yml").get("jobs"));
        List<Map<String, Object>> lint = jobs.values().stream().map(TemplateTest::map)
                .filter(job -> runs(steps(job)).contains("sam validate --lint")).map(RepoFilesTest::steps).findFirst().orElseThrow();
        step(lint, "aws-actions/setup-sam");
        step(lint, "actions/checkout");
    }

    @Test
    void everyActionIsPinnedToAReleaseAndTheTokenOnlyReads() throws IOException {
        Map<String, Object> workflow = yaml(".github/workflows/ci.yml");
        assertThat(map(workflow.get("permissions"))).containsExactly(Map.entry("contents", "read"));
        List<String> uses = new ArrayList<>();
        map(workflow.get("jobs")).values().forEach(job -> steps(map(job)).forEach(s -> {
            if (s.get("uses") instanceof String u) {
                uses.add(u);
            }
        }));
        assertThat(uses).isNotEmpty().allSatisfy(u -> assertThat(u).matches("[\\w.-]+/[\\w.-]+@v\\d+(\\.\\d+){0,2}"));
    }

    @Test
    void dependabotProposesMavenUpdatesForBothModulesAsOneGroupAndTheActions() throws IOException {
        Map<String, Object> dependabot = yaml(".github/dependabot.yml");
        assertThat(dependabot.get("version")).isEqualTo(2);
        List<Map<String, Object>> updates = list(dependabot.get("updates")).stream().map(TemplateTest::map).toList();
        assertThat(updates).extracting(u -> u.get("package-ecosystem")).containsExactlyInAnyOrder("maven", "github-actions");

        Map<String, Object> maven = updates.stream().filter(u -> u.get("package-ecosystem").equals("maven")).findFirst().orElseThrow();
        // the root pom aggregates functions/ and local/, so one entry covers both
        assertThat(maven.get("directory")).isEqualTo("/");
        assertThat(Files.readString(ROOT.resolve("pom.xml"))).contains("<module>functions</module>", "<module>local</module>");
        Map<String, Object> groups = map(maven.get("groups"));
        assertThat(groups).hasSize(1);
        assertThat(list(map(groups.values().iterator().next()).get("patterns"))).containsExactly("*");
        for (Map<String, Object> update : updates) {
            assertThat(map(update.get("schedule")).get("interval")).as("%s", update.get("package-ecosystem")).isEqualTo("weekly");
        }
    }

    /** What .ci/run installs, so the workflow and our own CI test against the same moto. */
    private static String motoRequirement() throws IOException {
        Matcher m = Pattern.compile("\"(moto\\[server][^\"]*)\"").matcher(Files.readString(ROOT.resolve(".ci/run")));
        assertThat(m.find()).as(".ci/run installs moto[server]").isTrue();
        return m.group(1);
    }

    private static Map<String, Object> step(List<Map<String, Object>> steps, String action) {
        return steps.stream().filter(s -> s.get("uses") instanceof String u && u.startsWith(action + "@")).findFirst()
                .orElseThrow(() -> new AssertionError("no step uses " + action));
    }

    private static List<Map<String, Object>> steps(Map<String, Object> job) {
        return list(job.get("steps")).stream().map(TemplateTest::map).toList();
    }

    private static List<String> runs(List<Map<String, Object>> steps) {
        return steps.stream().map(s -> s.get("run") instanceof String r ? r.strip() : "").toList();
    }

    private static Map<String, Object> yaml(String file) throws IOException {
        return new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(ROOT.resolve(file)));
    }
}
