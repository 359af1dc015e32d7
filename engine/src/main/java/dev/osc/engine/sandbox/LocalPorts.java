package dev.osc.engine.sandbox;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;

/** TCP ports on 127.0.0.1, where the sandbox listens. */
final class LocalPorts {

    private LocalPorts() {
    }

    static InetAddress loopback() {
        try {
            return InetAddress.getByName("127.0.0.1");
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // a literal address never needs a lookup
        }
    }

    /** A port nobody listens on right now; the kernel picks it, so parallel runs do not collide. */
    static int pickFree() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(loopback(), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new SandboxException("Cannot find a free TCP port on 127.0.0.1: " + e.getMessage(), e);
        }
    }

    /** Whether the server could bind this port now (it binds with SO_REUSEADDR too). */
    static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(loopback(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
