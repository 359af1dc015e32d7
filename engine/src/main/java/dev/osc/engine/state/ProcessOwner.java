package dev.osc.engine.state;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Names this process as {@code host:pid}, so an operator on another host can find it. */
public final class ProcessOwner {
    private static final String CURRENT = hostName() + ":" + ProcessHandle.current().pid();

    private ProcessOwner() {
    }

    /** {@code host:pid} of this JVM. */
    public static String current() {
        return CURRENT;
    }

    /** {@code osuser@host:pid}: who sent a control request. */
    public static String requester() {
        return System.getProperty("user.name", "?") + "@" + CURRENT;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            // a host without a resolvable own name still has one in the environment most of the time
            String env = System.getenv("HOSTNAME");
            return env == null || env.isBlank() ? "unknown-host" : env;
        }
    }
}
