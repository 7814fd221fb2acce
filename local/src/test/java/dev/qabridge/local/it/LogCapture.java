package dev.qabridge.local.it;

import dev.qabridge.core.Log;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Every line the bridge logs (and every EMF metric line) during one test, as the handlers running in
 * the local stack write them: {@code @RegisterExtension final LogCapture logs = new LogCapture();}.
 */
final class LogCapture implements BeforeEachCallback, AfterEachCallback {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    @Override
    public void beforeEach(ExtensionContext context) {
        out.reset();
        Log.redirect(new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Log.redirect(System.out);
    }

    /** What was logged so far in this test. */
    String text() {
        return out.toString(StandardCharsets.UTF_8);
    }
}
