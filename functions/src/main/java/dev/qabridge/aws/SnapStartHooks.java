package dev.qabridge.aws;

import dev.qabridge.core.Log;
import org.crac.Context;
import org.crac.Core;
import org.crac.Resource;

/**
 * A function's SnapStart runtime hooks (CRaC, which Lambda's Java runtime drives around a snapshot).
 *
 * <p>After restore: read the secrets again at once. The snapshot holds the values read when the version
 * was published, possibly weeks ago; without this a rotated secret would stay in use until the TTL ran
 * out, and a revoked one would be tried first. Before the checkpoint: {@code priming}, the place to
 * exercise a handler's paths so the snapshot holds loaded and compiled classes (a no-op until a handler
 * gives one).
 *
 * <p>CRaC holds registered resources weakly: the handler must keep the object {@link #register} returns
 * in a field, or the hooks may be collected before the checkpoint and never run.
 */
public final class SnapStartHooks implements Resource {
    private final SecretsLoader secrets;
    private final Runnable priming;

    SnapStartHooks(SecretsLoader secrets, Runnable priming) {
        this.secrets = secrets;
        this.priming = priming;
    }

    /** Registers the hooks of one handler with the global CRaC context; keep the result. */
    public static SnapStartHooks register(SecretsLoader secrets) {
        return register(secrets, () -> { });
    }

    /** As {@link #register(SecretsLoader)}, with a priming step to run before the checkpoint. */
    public static SnapStartHooks register(SecretsLoader secrets, Runnable priming) {
        SnapStartHooks hooks = new SnapStartHooks(secrets, priming);
        Core.getGlobalContext().register(hooks);
        return hooks;
    }

    @Override
    public void beforeCheckpoint(Context<? extends Resource> context) {
        priming.run();
    }

    @Override
    public void afterRestore(Context<? extends Resource> context) {
        long started = System.nanoTime();
        secrets.refresh();
        Log.info("snapstart.restored", null, null, "secretsReadMs", (System.nanoTime() - started) / 1_000_000);
    }
}
