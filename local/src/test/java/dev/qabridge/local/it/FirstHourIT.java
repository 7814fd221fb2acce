package dev.qabridge.local.it;

import dev.qabridge.local.Main;
import dev.qabridge.local.stack.LocalStack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What a new user meets in the first hour, run as they run it: {@code ./qa-bridge} itself for the help,
 * and the local stack's entry point ({@code Main}, what the script execs) in a child JVM with only the
 * environment given here and a temp directory as the project root, so no {@code .env} of the machine
 * counts. Each expects a sentence a person can act on, and no stack trace.
 */
class FirstHourIT {
    private static final Path ROOT = LocalStack.root();

    @Test
    void theHelpIsTheScriptsHeaderAndNothingElse() throws Exception {
        Result help = run(new ProcessBuilder("bash", ROOT.resolve("qa-bridge").toString()), Duration.ofSeconds(30));
        Result bogus = run(new ProcessBuilder("bash", ROOT.resolve("qa-bridge").toString(), "bogus"), Duration.ofSeconds(30));

        assertThat(help.code()).isZero();
        assertThat(help.out().lines()).first().isEqualTo("qa-bridge: run the bridge on this machine, try it with no accounts, or run its tests.");
        assertThat(help.out().lines()).hasSize(7).allSatisfy(l -> assertThat(l).doesNotContain("set -", "#"));
        assertThat(help.out().lines().skip(1)).allSatisfy(l -> assertThat(l).startsWith("  ./qa-bridge "));
        assertThat(bogus.code()).isEqualTo(2);
        assertThat(bogus.out()).isEmpty();
        assertThat(bogus.err()).isEqualTo("unknown command 'bogus'\n" + help.out());
    }

    @Test
    void aTakenPortIsSaidAtOnceBeforeMotoStarts(@TempDir Path dir) throws Exception {
        Path motoRan = dir.resolve("moto-python-ran");
        Path python = dir.resolve("python");
        Files.writeString(python, "#!/bin/sh\ntouch '" + motoRan + "'\nexec python3 \"$@\"\n");
        python.toFile().setExecutable(true);
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Map<String, String> env = settings(dir);
            env.put("QA_BRIDGE_PORT", String.valueOf(busy.getLocalPort()));
            env.put("MOTO_PYTHON", python.toString());

            Result r = run(main(dir, env, "local"), Duration.ofSeconds(60));

            assertThat(r.code()).as(r.err()).isEqualTo(2);
            assertThat(r.err()).isEqualTo("qa-bridge local: port " + busy.getLocalPort()
                    + " is taken: set QA_BRIDGE_PORT to a free port (in .env or the environment)\n");
            assertThat(motoRan).as("moto was not even looked for").doesNotExist();
        }
    }

    @Test
    void sigtermDuringStartUpLeavesNoMotoBehind(@TempDir Path dir) throws Exception {
        Map<String, String> env = settings(dir);
        env.put("QA_BRIDGE_PORT", String.valueOf(freePort()));
        Optional.ofNullable(System.getenv("MOTO_PYTHON")).ifPresent(p -> env.put("MOTO_PYTHON", p));
        Path err = dir.resolve("stderr.txt");
        Process local = main(dir, env, "local").redirectOutput(dir.resolve("stdout.txt").toFile()).redirectError(err.toFile()).start();
        try {
            // moto is the child running the launcher script, found through the process tree (not by process name),
            // once it runs Python itself (past any shim): from then on moto spends a second or more importing
            List<ProcessHandle> moto = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                    .until(() -> local.descendants().filter(p -> p.info().commandLine().orElse("").contains("qa-bridge-moto-launcher-")
                                    && p.info().command().orElse("").contains("python")).toList(),
                            l -> !l.isEmpty() || !local.isAlive());
            assertThat(moto).as("moto started (stderr: %s)", Files.readString(err)).isNotEmpty();
            List<ProcessHandle> children = local.descendants().toList();

            local.destroy(); // SIGTERM
            assertThat(local.waitFor(30, TimeUnit.SECONDS)).isTrue();

            String said = Files.readString(err);
            assertThat(said).as("still starting when the signal came").doesNotContain("is listening");
            assertThat(said).contains("qa-bridge local: stopping during start-up").doesNotContain("Exception", "\tat ");
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                    assertThat(children).as("children of the stopped JVM").noneMatch(ProcessHandle::isAlive));
        } finally {
            local.descendants().forEach(ProcessHandle::destroyForcibly);
            local.destroyForcibly();
        }
    }

    @Test
    void withoutMotoAndWithoutPyPiOneParagraphSaysWhatIsMissingAndWhereItGoes(@TempDir Path home) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")) && !canImportMoto("/usr/bin/python3"),
                "needs a python3 in /usr/bin without moto");
        Map<String, String> env = new HashMap<>();
        env.put("HOME", home.toString());
        env.put("PATH", "/usr/bin:/bin");
        env.put("PIP_INDEX_URL", "http://127.0.0.1:9/simple"); // nothing listens there: PyPI is "unreachable"
        env.put("PIP_CONFIG_FILE", "/dev/null");
        Path venv = home.resolve(".cache/qa-bridge/moto-venv");
        Instant start = Instant.now();

        Result r = run(main(home, env, "demo"), Duration.ofSeconds(180));

        assertThat(r.code()).as(r.err()).isEqualTo(2);
        String said = r.err();
        assertThat(said).contains("qa-bridge needs moto server (the Python package moto[server]>=5.1,<6)", venv.toString(),
                "pip install \"moto[server]>=5.1,<6\"", "MOTO_PYTHON", "installing it there failed (is PyPI reachable from here?):\n  pip install: ERROR:");
        assertThat(said).doesNotContain("Exception", "\tat ", "Retrying", "WARNING");
        assertThat(said.lines().count()).as(said).isLessThanOrEqualTo(9);
        assertThat(Duration.between(start, Instant.now())).as("no retries").isLessThan(Duration.ofSeconds(90));
    }

    /** The settings {@code ./qa-bridge local} needs, pointing at nothing: these tests never get that far. */
    private static Map<String, String> settings(Path dir) {
        Map<String, String> env = new HashMap<>();
        env.put("HOME", System.getProperty("user.home"));
        env.put("PATH", System.getenv("PATH"));
        env.put("QATECH_API_KEY", "k");
        env.put("QATECH_APPLICATION_ID", "app_shop");
        env.put("GITHUB_TOKEN", "t");
        env.put("GITHUB_WEBHOOK_SECRET", "s");
        env.put("QATECH_API_URL", "http://127.0.0.1:9");
        env.put("GITHUB_API_URL", "http://127.0.0.1:9");
        return env;
    }

    /** The local stack's entry point in a child JVM, as {@code ./qa-bridge <command>} runs it, with {@code root} as the project. */
    private static ProcessBuilder main(Path root, Map<String, String> env, String command) throws IOException {
        Files.createDirectories(root.resolve("statemachine"));
        Files.copy(ROOT.resolve("statemachine/qa-bridge.asl.json"), root.resolve("statemachine/qa-bridge.asl.json"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.createDirectories(root.resolve("events"));
        Files.copy(ROOT.resolve("events/github-comment-qa.json"), root.resolve("events/github-comment-qa.json"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dqabridge.root=" + root,
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), command);
        pb.environment().clear();
        pb.environment().putAll(env);
        return pb;
    }

    private record Result(int code, String out, String err) {}

    private static Result run(ProcessBuilder pb, Duration limit) throws Exception {
        Path out = Files.createTempFile("first-hour-", ".out");
        Path err = Files.createTempFile("first-hour-", ".err");
        try {
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError(pb.command() + " still running after " + limit.toSeconds() + " s; stderr: " + Files.readString(err));
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static boolean canImportMoto(String python) throws Exception {
        Process p = new ProcessBuilder(python, "-c", "import moto").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
